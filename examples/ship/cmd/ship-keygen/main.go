// Command ship-keygen is the second command of gocross's example of a module that ships
// several binaries: it prints a random key, or with --version what it was built as.
package main

import (
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"runtime"
)

// Set at build time through -ldflags "-X main.version=... -X main.binary=...".
var (
	version = "dev"
	binary  = "ship-keygen"
)

func main() {
	showVersion := flag.Bool("version", false, "print the version and exit")
	flag.Parse()
	if *showVersion {
		fmt.Printf("%s %s %s/%s %s\n", binary, version, runtime.GOOS, runtime.GOARCH, runtime.Version())
		return
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		fmt.Fprintln(os.Stderr, "ship-keygen:", err)
		os.Exit(1)
	}
	fmt.Println(hex.EncodeToString(key))
}

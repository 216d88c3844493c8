// Command ship is one of the two commands of gocross's example of a module that ships
// several binaries in release archives: --version prints what it was built as.
package main

import (
	"flag"
	"fmt"
	"runtime"
)

// Set at build time through -ldflags "-X main.version=... -X main.commit=...".
var (
	version = "dev"
	commit  = "none"
)

func main() {
	showVersion := flag.Bool("version", false, "print the version and exit")
	flag.Parse()
	if *showVersion {
		fmt.Printf("ship %s (%s) %s/%s %s\n", version, commit, runtime.GOOS, runtime.GOARCH, runtime.Version())
		return
	}
	fmt.Println("ship: nothing to ship yet; try --version")
}

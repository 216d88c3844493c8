// Command hello is the example module for gocross: a small CLI whose --version prints what it
// was built as, and which uses net and os/user so that static linking matters.
package main

import (
	"flag"
	"fmt"
	"net"
	"os"
	"os/user"
	"runtime"
)

// version is set at build time: -ldflags "-X main.version=...".
var version = "dev"

func main() {
	showVersion := flag.Bool("version", false, "print the version, GOOS and GOARCH, and exit")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: hello [--version] [whoami | lookup HOST]\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if *showVersion {
		fmt.Printf("hello %s %s/%s %s\n", version, runtime.GOOS, runtime.GOARCH, runtime.Version())
		return
	}
	switch flag.Arg(0) {
	case "whoami":
		u, err := user.Current()
		if err != nil {
			fail(err)
		}
		fmt.Printf("%s (uid %s)\n", u.Username, u.Uid)
	case "lookup":
		addrs, err := net.LookupHost(flag.Arg(1))
		if err != nil {
			fail(err)
		}
		for _, a := range addrs {
			fmt.Println(a)
		}
	case "":
		fmt.Println("hello, world")
	default:
		flag.Usage()
		os.Exit(2)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "hello:", err)
	os.Exit(1)
}

// Command cgo-hello is the cgo example for gocross: it calls a C function that uses libm, so a
// build needs a C toolchain for the target and links against the target's C library.
package main

/*
#cgo LDFLAGS: -lm
#include <math.h>

static double hypotenuse(double a, double b) {
	return sqrt(a * a + b * b);
}
*/
import "C"

import (
	"flag"
	"fmt"
	"runtime"
)

// version is set at build time: -ldflags "-X main.version=...".
var version = "dev"

func main() {
	showVersion := flag.Bool("version", false, "print the version, GOOS and GOARCH, and exit")
	flag.Parse()
	if *showVersion {
		fmt.Printf("cgo-hello %s %s/%s %s\n", version, runtime.GOOS, runtime.GOARCH, runtime.Version())
		return
	}
	fmt.Printf("hypotenuse(3, 4) = %.1f\n", float64(C.hypotenuse(3, 4)))
}

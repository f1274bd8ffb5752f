// Command mtgen writes the message trace that goes with examples/clicks.csv
// (go generate ./examples/gen).
package main

import (
	"flag"
	"fmt"
	"os"

	"clickhunt/examples/gen"
)

func main() {
	out := flag.String("o", "-", "output file")
	flag.Parse()
	w := os.Stdout
	if *out != "-" {
		f, err := os.Create(*out)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		defer f.Close()
		w = f
	}
	if err := gen.WriteMessageTrace(w, gen.Example); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

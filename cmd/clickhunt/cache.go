package main

import (
	"fmt"
	"os"
	"strings"
)

// maxDefaultCache caps the default decoded-block cache.
const maxDefaultCache = 4 << 30

// cacheBytes is the decoded-block cache of a process that runs more than
// one query (the REPL, the report server, a batch, --repeat): the size in
// $CLICKHUNT_CACHE ("0" turns it off), else a quarter of the machine's
// memory, at most 4 GiB. Repeated queries then skip reading and
// decompressing the blocks they read before.
func cacheBytes() (int64, error) {
	if s, ok := os.LookupEnv("CLICKHUNT_CACHE"); ok && s != "" {
		if strings.TrimSpace(s) == "0" {
			return 0, nil
		}
		n, err := parseSize(s)
		if err != nil {
			return 0, fmt.Errorf("CLICKHUNT_CACHE: %w", err)
		}
		return n, nil
	}
	total := physicalMemory()
	if total <= 0 {
		return 1 << 30, nil
	}
	return min(total/4, maxDefaultCache), nil
}

package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// version is set at build time by make build and make dist:
// -ldflags "-X main.version=v1.2.3" (git describe of the checkout).
var version = "dev"

// versionString is the version clickhunt reports: the one stamped at build
// time, else what the Go toolchain recorded in the binary (the module
// version of a go install, e.g. v1.2.3 or a pseudo-version; else the
// commit of the checkout go build ran in, with "-dirty" for uncommitted
// changes), else "dev".
func versionString() string {
	if version != "dev" && version != "" {
		return version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	return versionFromBuildInfo(info)
}

// versionFromBuildInfo reads a version out of the build information.
func versionFromBuildInfo(info *debug.BuildInfo) string {
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev string
	dirty := false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "dev"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "-dirty"
	}
	return rev
}

// versionLine is what clickhunt version and --version print.
func versionLine() string {
	return fmt.Sprintf("clickhunt %s (%s %s/%s)", versionString(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"testing"

	"github.com/alecthomas/kong"
	"github.com/google/go-cmp/cmp"

	"clickhunt/internal/citest"
)

// --version and the version command print the same line; help COMMAND is
// COMMAND --help; help alone is --help.
func TestCLIVersionAndHelp(t *testing.T) {
	dir := t.TempDir()
	v := clickhunt(t, dir, "", "version")
	v.expect(t, 0)
	matches(t, "version", v.stdout, `^clickhunt \S+ \(go[0-9.]+\S* \S+/\S+\)\n$`)
	fv := clickhunt(t, dir, "", "--version")
	fv.expect(t, 0)
	checkText(t, "--version", fv.stdout, v.stdout)

	for _, args := range [][]string{{}, {"query"}, {"ingest"}, {"serve"}, {"completion"}} {
		h := clickhunt(t, dir, "", append([]string{"help"}, args...)...)
		h.expect(t, 0)
		d := clickhunt(t, dir, "", append(args, "--help")...)
		d.expect(t, 0)
		checkText(t, "help "+strings.Join(args, " "), h.stdout, d.stdout)
	}
	r := clickhunt(t, dir, "", "help", "nope")
	r.expect(t, 2)
	if !strings.Contains(r.stderr, "unexpected argument nope") {
		t.Errorf("help nope: %q", r.stderr)
	}
}

// The version reported without a stamped one comes from what the Go
// toolchain recorded: a go install's module version, else the commit.
func TestVersionFromBuildInfo(t *testing.T) {
	f := func(main string, settings map[string]string, want string) {
		t.Helper()
		info := &debug.BuildInfo{Main: debug.Module{Path: "clickhunt", Version: main}}
		for k, v := range settings {
			info.Settings = append(info.Settings, debug.BuildSetting{Key: k, Value: v})
		}
		if got := versionFromBuildInfo(info); got != want {
			t.Errorf("version of %q %v = %q, want %q", main, settings, got, want)
		}
	}
	f("v1.4.0", nil, "v1.4.0")
	f("v0.0.0-20260101120000-0123456789ab", map[string]string{"vcs.revision": "0123456789abcdef"}, "v0.0.0-20260101120000-0123456789ab")
	f("(devel)", map[string]string{"vcs.revision": "0123456789abcdef0123", "vcs.modified": "false"}, "0123456789ab")
	f("(devel)", map[string]string{"vcs.revision": "0123456789abcdef0123", "vcs.modified": "true"}, "0123456789ab-dirty")
	f("", nil, "dev")
}

// completionModel is the command line's model, as the scripts read it.
func completionModel(t *testing.T) compSpec {
	t.Helper()
	parser, err := kong.New(&cli{}, kong.Name("clickhunt"), kong.Vars{"default_db": "DB", "version": "v"})
	if err != nil {
		t.Fatal(err)
	}
	return completionSpec(parser.Model)
}

// Every shell's script names every command and every flag of the command
// line (walked from its model, so a new flag cannot be left out).
func TestCompletionScriptsCoverTheCommandLine(t *testing.T) {
	spec := completionModel(t)
	if len(spec.cmds) < 10 {
		t.Fatalf("the model has %d commands", len(spec.cmds))
	}
	dir := t.TempDir()
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		r := clickhunt(t, dir, "", "completion", shell)
		r.expect(t, 0)
		for _, c := range spec.cmds {
			if !strings.Contains(r.stdout, c.name) {
				t.Errorf("%s: no command %s", shell, c.name)
			}
			for _, f := range append(c.flags, spec.global...) {
				w := "--" + f.long
				if shell == "fish" {
					w = "-l " + f.long
				}
				if !strings.Contains(r.stdout, w) {
					t.Errorf("%s: no flag --%s of %s", shell, f.long, c.name)
				}
			}
		}
	}
	r := clickhunt(t, dir, "", "completion", "tcsh")
	r.expect(t, 2)
}

// bashComplete runs the bash script's completion for the words typed so
// far (the last one being completed) in dir, and returns what it offers.
func bashComplete(t *testing.T, script, dir string, words ...string) []string {
	t.Helper()
	line := strings.Join(words, " ")
	prog := `source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMP_LINE="` + line + `"; COMP_POINT=${#COMP_LINE}; _clickhunt; printf '%s\n' "${COMPREPLY[@]}"`
	cmd := exec.Command("bash", append([]string{"-c", prog, "bash", script}, words...)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("bash completion of %q: %v\n%s", words, err, out)
	}
	var got []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if l != "" {
			got = append(got, l)
		}
	}
	sort.Strings(got)
	return got
}

// The bash script completes commands, flags, flag values and files, as a
// user pressing Tab sees them.
func TestCompletionBash(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		citest.Require(t, "bash not found")
	}
	dir := t.TempDir()
	r := clickhunt(t, dir, "", "completion", "bash")
	r.expect(t, 0)
	script := filepath.Join(t.TempDir(), "clickhunt.bash")
	os.WriteFile(script, []byte(r.stdout), 0o644)
	os.WriteFile(filepath.Join(dir, "clicks.csv"), nil, 0o644)
	os.WriteFile(filepath.Join(dir, "clicks.json"), nil, 0o644)
	os.Mkdir(filepath.Join(dir, "exports"), 0o755)

	f := func(want []string, words ...string) {
		t.Helper()
		if diff := cmp.Diff(want, bashComplete(t, script, dir, words...)); diff != "" {
			t.Errorf("completing %q (-want +got):\n%s", words, diff)
		}
	}
	L := func(s ...string) []string { return s }
	f(L("query"), "clickhunt", "qu")
	f(L("messagetrace"), "clickhunt", "mes")
	f(L("--format"), "clickhunt", "query", "--fo")
	f(L("json", "jsonl"), "clickhunt", "query", "--format", "j")
	f(L("--format"), "clickhunt", "--db", "exports", "query", "--for") // the database directory is not the command
	f(L("exports"), "clickhunt", "--db", "exp")
	f(L("clicks.csv", "clicks.json"), "clickhunt", "ingest", "cl")
	f(L("--dry-run"), "clickhunt", "ingest", "--dr")
	f(L("bash", "fish", "powershell", "zsh"), "clickhunt", "completion", "")
	f(L("query"), "clickhunt", "help", "qu")
	f(nil, "clickhunt", "query", "--now", "2")
	f(L("--version"), "clickhunt", "--vers")
}

// The zsh and fish scripts parse, and fish offers what bash does.
func TestCompletionZshFish(t *testing.T) {
	dir := t.TempDir()
	for _, shell := range []string{"zsh", "fish"} {
		t.Run(shell, func(t *testing.T) {
			if _, err := exec.LookPath(shell); err != nil {
				citest.Require(t, shell+" not found (apt-get install -y "+shell+")")
			}
			r := clickhunt(t, dir, "", "completion", shell)
			r.expect(t, 0)
			script := filepath.Join(dir, "clickhunt."+shell)
			os.WriteFile(script, []byte(r.stdout), 0o644)
			if out, err := exec.Command(shell, "-n", script).CombinedOutput(); err != nil {
				t.Fatalf("%s -n: %v\n%s", shell, err, out)
			}
			if shell != "fish" {
				return
			}
			f := func(line string, want ...string) {
				t.Helper()
				out, err := exec.Command("fish", "--no-config", "-c", `source "$argv[1]"; complete -C"$argv[2]"`, script, line).CombinedOutput()
				if err != nil {
					t.Fatalf("fish: %v\n%s", err, out)
				}
				var got []string
				for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
					if l != "" {
						got = append(got, strings.SplitN(l, "\t", 2)[0])
					}
				}
				sort.Strings(got)
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("fish completing %q (-want +got):\n%s", line, diff)
				}
			}
			f("clickhunt qu", "query")
			f("clickhunt query --format j", "json", "jsonl")
			f("clickhunt completion ", "bash", "fish", "powershell", "zsh")
		})
	}
}

// PowerShell's script parses, where PowerShell is installed (it is not a
// Debian package, so CI does not require it).
func TestCompletionPowerShell(t *testing.T) {
	pwsh, err := exec.LookPath("pwsh")
	if err != nil {
		citest.Optional(t, "pwsh not found: PowerShell's completion script is checked only by its content here")
	}
	dir := t.TempDir()
	r := clickhunt(t, dir, "", "completion", "powershell")
	r.expect(t, 0)
	script := filepath.Join(dir, "clickhunt.ps1")
	os.WriteFile(script, []byte(r.stdout), 0o644)
	out, err := exec.Command(pwsh, "-NoProfile", "-Command", ". "+script).CombinedOutput()
	if err != nil {
		t.Fatalf("pwsh: %v\n%s", err, out)
	}
}

package main

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/alecthomas/kong"
)

// completionCmd prints a shell completion script made from the command
// line's own model, so every command and flag clickhunt has completes.
type completionCmd struct {
	Shell string `arg:"" enum:"bash,zsh,fish,powershell" help:"The shell: bash, zsh, fish or powershell."`
}

func (completionCmd) Help() string {
	return `Prints a script that teaches the shell to complete clickhunt's commands,
flags, flag values (formats, sources, shells) and file names. Load it:

  bash        source <(clickhunt completion bash)        (in ~/.bashrc)
  zsh         clickhunt completion zsh > "${fpath[1]}/_clickhunt"
  fish        clickhunt completion fish > ~/.config/fish/completions/clickhunt.fish
  powershell  clickhunt completion powershell | Out-String | Invoke-Expression   (in $PROFILE)

make install installs the bash, zsh and fish scripts under PREFIX/share.`
}

// helpCmd is `clickhunt help [COMMAND]`: the same as --help.
type helpCmd struct {
	Command []string `arg:"" optional:"" name:"COMMAND" help:"The command to explain (default: all of them)."`
}

// compFlag is a flag as the completion scripts see it.
type compFlag struct {
	long   string // without "--"
	short  rune   // 0 for none
	help   string
	arg    bool     // takes a value
	values []string // its allowed values, when an enum
	files  string   // "file" or "dir" when the value is a path
}

// compCmd is a command: its flags (the global ones not included) and what
// its arguments are.
type compCmd struct {
	name, help string
	flags      []compFlag
	args       string // "file", "command", "" (nothing to offer) or "words"
	words      []string
}

// compSpec is the whole command line for the scripts.
type compSpec struct {
	global []compFlag
	cmds   []compCmd
}

// completionSpec reads the spec out of kong's model.
func completionSpec(app *kong.Application) compSpec {
	var s compSpec
	s.global = compFlags(app.Node.Flags)
	for _, n := range app.Node.Children {
		if n.Hidden || n.Type != kong.CommandNode {
			continue
		}
		c := compCmd{name: n.Name, help: firstSentence(n.Help), flags: compFlags(n.Flags)}
		if len(n.Positional) > 0 {
			p := n.Positional[0]
			switch {
			case p.Enum != "":
				c.args, c.words = "words", p.EnumSlice()
			case n.Name == "help":
				c.args = "command"
			case strings.Contains(p.Name, "FILE"):
				c.args = "file"
			}
		}
		s.cmds = append(s.cmds, c)
	}
	return s
}

func compFlags(flags []*kong.Flag) []compFlag {
	var out []compFlag
	for _, f := range flags {
		if f.Hidden {
			continue
		}
		cf := compFlag{long: f.Name, short: f.Short, help: firstSentence(f.Help), arg: !f.IsBool() && !f.IsCounter()}
		if f.Enum != "" {
			cf.values = f.EnumSlice()
		}
		switch ph := f.PlaceHolder + f.Tag.PlaceHolder; {
		case strings.Contains(ph, "FILE"):
			cf.files = "file"
		case strings.Contains(ph, "DIR"):
			cf.files = "dir"
		}
		out = append(out, cf)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].long < out[j].long })
	return out
}

// firstSentence is the help line up to its first ". " or "(".
func firstSentence(help string) string {
	if i := strings.Index(help, ". "); i >= 0 {
		help = help[:i]
	}
	if i := strings.Index(help, " ("); i >= 0 {
		help = help[:i]
	}
	return strings.TrimSuffix(strings.TrimSpace(help), ".")
}

// names lists the flags as the shell types them: --long and -s.
func flagWords(flags []compFlag) []string {
	var out []string
	for _, f := range flags {
		out = append(out, "--"+f.long)
		if f.short != 0 {
			out = append(out, "-"+string(f.short))
		}
	}
	return out
}

func (s compSpec) cmdNames() []string {
	var out []string
	for _, c := range s.cmds {
		out = append(out, c.name)
	}
	return out
}

// argFlags are the flags (of any command, and the global ones) that take
// a value, as typed: the scripts skip their values to find the command.
func (s compSpec) argFlags() []string {
	seen := map[string]bool{}
	var out []string
	add := func(fs []compFlag) {
		for _, f := range fs {
			if !f.arg {
				continue
			}
			for _, w := range flagWords([]compFlag{f}) {
				if !seen[w] {
					seen[w] = true
					out = append(out, w)
				}
			}
		}
	}
	add(s.global)
	for _, c := range s.cmds {
		add(c.flags)
	}
	sort.Strings(out)
	return out
}

// writeCompletion writes the script for shell.
func writeCompletion(w io.Writer, shell string, s compSpec) error {
	var b strings.Builder
	switch shell {
	case "bash":
		bashCompletion(&b, s)
	case "zsh":
		zshCompletion(&b, s)
	case "fish":
		fishCompletion(&b, s)
	case "powershell":
		powershellCompletion(&b, s)
	default:
		return fmt.Errorf("no completion for shell %q (bash, zsh, fish or powershell)", shell)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// valueCases calls f for each flag value the scripts complete: the
// command ("" for a global flag), the flag words, and what to offer.
func (s compSpec) valueCases(f func(cmd string, words []string, fl compFlag)) {
	for _, fl := range s.global {
		if fl.arg && (len(fl.values) > 0 || fl.files != "") {
			f("", flagWords([]compFlag{fl}), fl)
		}
	}
	for _, c := range s.cmds {
		for _, fl := range c.flags {
			if fl.arg && (len(fl.values) > 0 || fl.files != "") {
				f(c.name, flagWords([]compFlag{fl}), fl)
			}
		}
	}
}

func bashCompletion(b *strings.Builder, s compSpec) {
	fmt.Fprintf(b, `# bash completion for clickhunt (made by: clickhunt completion bash)
_clickhunt() {
    local cur prev cmd i
    cur="${COMP_WORDS[COMP_CWORD]}"
    prev="${COMP_WORDS[COMP_CWORD-1]}"
    cmd=""
    for ((i = 1; i < COMP_CWORD; i++)); do
        case "${COMP_WORDS[i]}" in
            %s) ((i++)) ;;
            -*) ;;
            *) cmd="${COMP_WORDS[i]}"; break ;;
        esac
    done
    case "$cmd:$prev" in
`, strings.Join(s.argFlags(), "|"))
	s.valueCases(func(cmd string, words []string, fl compFlag) {
		var gen string
		switch {
		case len(fl.values) > 0:
			gen = fmt.Sprintf(`COMPREPLY=($(compgen -W "%s" -- "$cur"))`, strings.Join(fl.values, " "))
		case fl.files == "dir":
			gen = `COMPREPLY=($(compgen -d -- "$cur"))`
		default:
			gen = `COMPREPLY=($(compgen -f -- "$cur"))`
		}
		fmt.Fprintf(b, "        %s) %s; return ;;\n", casePatterns(cmd, words), gen)
	})
	fmt.Fprintf(b, `        %s) COMPREPLY=(); return ;;
    esac
    local flags="%s"
    case "$cmd" in
        "") if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "$flags" -- "$cur")); else COMPREPLY=($(compgen -W "%s" -- "$cur")); fi; return ;;
`, casePatterns("", s.argFlags()), strings.Join(flagWords(s.global), " "), strings.Join(s.cmdNames(), " "))
	for _, c := range s.cmds {
		var args string
		switch c.args {
		case "file":
			args = `COMPREPLY=($(compgen -f -- "$cur"))`
		case "command":
			args = fmt.Sprintf(`COMPREPLY=($(compgen -W "%s" -- "$cur"))`, strings.Join(s.cmdNames(), " "))
		case "words":
			args = fmt.Sprintf(`COMPREPLY=($(compgen -W "%s" -- "$cur"))`, strings.Join(c.words, " "))
		default:
			args = "COMPREPLY=()"
		}
		fmt.Fprintf(b, "        %s) flags=\"$flags %s\"; if [[ \"$cur\" == -* ]]; then COMPREPLY=($(compgen -W \"$flags\" -- \"$cur\")); else %s; fi ;;\n",
			c.name, strings.Join(flagWords(c.flags), " "), args)
	}
	b.WriteString(`    esac
}
complete -o filenames -o bashdefault -F _clickhunt clickhunt
`)
}

func zshCompletion(b *strings.Builder, s compSpec) {
	fmt.Fprintf(b, `#compdef clickhunt
# zsh completion for clickhunt (made by: clickhunt completion zsh)
_clickhunt() {
    local cur=${words[CURRENT]} prev=${words[CURRENT-1]} cmd="" i
    for ((i = 2; i < CURRENT; i++)); do
        case ${words[i]} in
            (%s) ((i++)) ;;
            (-*) ;;
            (*) cmd=${words[i]}; break ;;
        esac
    done
    case $cmd:$prev in
`, strings.Join(s.argFlags(), "|"))
	s.valueCases(func(cmd string, words []string, fl compFlag) {
		var gen string
		switch {
		case len(fl.values) > 0:
			gen = "compadd -- " + strings.Join(fl.values, " ")
		case fl.files == "dir":
			gen = "_directories"
		default:
			gen = "_files"
		}
		fmt.Fprintf(b, "        (%s) %s; return ;;\n", casePatterns(cmd, words), gen)
	})
	fmt.Fprintf(b, `        (%s) return ;;
    esac
    local -a flags
    flags=(%s)
    case $cmd in
        ("") if [[ $cur == -* ]]; then compadd -- $flags; else
`, casePatterns("", s.argFlags()), strings.Join(flagWords(s.global), " "))
	b.WriteString("            local -a cmds\n            cmds=(\n")
	for _, c := range s.cmds {
		fmt.Fprintf(b, "                %s\n", zshQuote(c.name+":"+c.help))
	}
	b.WriteString("            )\n            _describe command cmds; fi; return ;;\n")
	for _, c := range s.cmds {
		var args string
		switch c.args {
		case "file":
			args = "_files"
		case "command":
			args = "compadd -- " + strings.Join(s.cmdNames(), " ")
		case "words":
			args = "compadd -- " + strings.Join(c.words, " ")
		default:
			args = "return 1"
		}
		fmt.Fprintf(b, "        (%s) flags+=(%s); if [[ $cur == -* ]]; then compadd -- $flags; else %s; fi ;;\n",
			c.name, strings.Join(flagWords(c.flags), " "), args)
	}
	b.WriteString(`    esac
}
if [[ $funcstack[1] == _clickhunt ]]; then
    _clickhunt "$@"
else
    compdef _clickhunt clickhunt
fi
`)
}

// casePatterns are the shell case patterns "cmd:word|..." matching the
// previous word, a flag, of command cmd ("" for any command).
func casePatterns(cmd string, words []string) string {
	if cmd == "" {
		cmd = "*"
	}
	p := make([]string, len(words))
	for i, w := range words {
		p[i] = cmd + ":" + w
	}
	return strings.Join(p, "|")
}

func zshQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func fishCompletion(b *strings.Builder, s compSpec) {
	b.WriteString("# fish completion for clickhunt (made by: clickhunt completion fish)\n")
	b.WriteString("complete -c clickhunt -f\n")
	for _, c := range s.cmds {
		fmt.Fprintf(b, "complete -c clickhunt -n __fish_use_subcommand -a %s -d %s\n", c.name, fishQuote(c.help))
	}
	flag := func(cond string, f compFlag) {
		fmt.Fprintf(b, "complete -c clickhunt")
		if cond != "" {
			fmt.Fprintf(b, " -n %s", fishQuote(cond))
		}
		fmt.Fprintf(b, " -l %s", f.long)
		if f.short != 0 {
			fmt.Fprintf(b, " -s %c", f.short)
		}
		switch {
		case len(f.values) > 0:
			fmt.Fprintf(b, " -x -a %s", fishQuote(strings.Join(f.values, " ")))
		case f.files == "dir":
			b.WriteString(" -x -a '(__fish_complete_directories)'")
		case f.files == "file":
			b.WriteString(" -r -F")
		case f.arg:
			b.WriteString(" -x")
		}
		fmt.Fprintf(b, " -d %s\n", fishQuote(f.help))
	}
	for _, f := range s.global {
		flag("", f)
	}
	for _, c := range s.cmds {
		cond := "__fish_seen_subcommand_from " + c.name
		for _, f := range c.flags {
			flag(cond, f)
		}
		switch c.args {
		case "file":
			fmt.Fprintf(b, "complete -c clickhunt -n %s -F\n", fishQuote(cond))
		case "command":
			fmt.Fprintf(b, "complete -c clickhunt -n %s -a %s\n", fishQuote(cond), fishQuote(strings.Join(s.cmdNames(), " ")))
		case "words":
			fmt.Fprintf(b, "complete -c clickhunt -n %s -a %s\n", fishQuote(cond), fishQuote(strings.Join(c.words, " ")))
		}
	}
}

func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, "'", `\'`).Replace(s) + "'"
}

func powershellCompletion(b *strings.Builder, s compSpec) {
	b.WriteString(`# PowerShell completion for clickhunt (made by: clickhunt completion powershell)
Register-ArgumentCompleter -Native -CommandName clickhunt, clickhunt.exe -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    $global = @(` + psList(flagWords(s.global)) + `)
    $commands = [ordered]@{
`)
	for _, c := range s.cmds {
		fmt.Fprintf(b, "        %s = @(%s)\n", psQuote(c.name), psList(flagWords(c.flags)))
	}
	b.WriteString("    }\n    $values = @{\n")
	s.valueCases(func(cmd string, words []string, fl compFlag) {
		if len(fl.values) == 0 {
			return
		}
		for _, w := range words {
			fmt.Fprintf(b, "        %s = @(%s)\n", psQuote(cmd+" "+w), psList(fl.values))
		}
	})
	b.WriteString("    }\n    $args_ = @{\n")
	for _, c := range s.cmds {
		switch c.args {
		case "command":
			fmt.Fprintf(b, "        %s = @(%s)\n", psQuote(c.name), psList(s.cmdNames()))
		case "words":
			fmt.Fprintf(b, "        %s = @(%s)\n", psQuote(c.name), psList(c.words))
		}
	}
	fmt.Fprintf(b, `    }
    $takesValue = @(%s)
    $words = @($commandAst.CommandElements | ForEach-Object { $_.ToString() })
    $count = $words.Count
    if ($wordToComplete -ne '') { $count-- }
    $cmd = ''
    for ($i = 1; $i -lt $count; $i++) {
        $w = $words[$i]
        if ($takesValue -contains $w) { $i++; continue }
        if ($w -like '-*') { continue }
        $cmd = $w; break
    }
    $prev = if ($count -ge 1) { $words[$count - 1] } else { '' }
    $candidates = @()
    if ($values.ContainsKey("$cmd $prev")) { $candidates = $values["$cmd $prev"] }
    elseif ($values.ContainsKey(" $prev")) { $candidates = $values[" $prev"] }
    elseif ($takesValue -contains $prev) { return }
    elseif ($cmd -eq '') {
        if ($wordToComplete -like '-*') { $candidates = $global } else { $candidates = $commands.Keys }
    }
    elseif ($wordToComplete -like '-*') { $candidates = $global + $commands[$cmd] }
    elseif ($args_.ContainsKey($cmd)) { $candidates = $args_[$cmd] }
    else { return }
    $candidates | Where-Object { $_ -like "$wordToComplete*" } | ForEach-Object {
        [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
    }
}
`, psList(s.argFlags()))
}

func psQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func psList(items []string) string {
	q := make([]string, len(items))
	for i, it := range items {
		q[i] = psQuote(it)
	}
	return strings.Join(q, ", ")
}

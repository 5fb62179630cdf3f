// Package completion writes completion scripts for bash, zsh and fish from
// a description of a program's commands and flags, so that the scripts
// follow the command line as it changes rather than a copy of it.
package completion

import (
	"fmt"
	"sort"
	"strings"
)

// Command is one subcommand.
type Command struct {
	Name  string
	Help  string
	Flags []Flag
	// Args lists the values its first argument may take; nil for a file.
	Args []string
}

// Flag is one flag of a command.
type Flag struct {
	Long  string // without the dashes
	Short rune   // 0 for none
	Help  string
	// Value is true for a flag that takes a value; Enum lists the values
	// it may take, Path says the value is a file name.
	Value bool
	Enum  []string
	Path  bool
}

// Shells lists the shells a script can be written for.
var Shells = []string{"bash", "zsh", "fish"}

// Script returns the completion script of program for shell.
func Script(shell, program string, cmds []Command) (string, error) {
	switch shell {
	case "bash":
		return Bash(program, cmds), nil
	case "zsh":
		return Zsh(program, cmds), nil
	case "fish":
		return Fish(program, cmds), nil
	}
	return "", fmt.Errorf("no completion for shell %q: must be one of %s", shell, strings.Join(Shells, ", "))
}

func ident(program string) string {
	return strings.NewReplacer("-", "_", ".", "_").Replace(program)
}

// Bash returns a script for bash: source it, or put it in
// bash-completion's completions directory.
func Bash(program string, cmds []Command) string {
	fn := "_" + ident(program)
	var b strings.Builder
	fmt.Fprintf(&b, "# bash completion for %s\n", program)
	fmt.Fprintf(&b, "%s() {\n", fn)
	b.WriteString("    local cur prev cmd i\n")
	b.WriteString("    cur=\"${COMP_WORDS[COMP_CWORD]}\"\n")
	b.WriteString("    prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n")
	b.WriteString("    cmd=\"\"\n")
	b.WriteString("    for ((i = 1; i < COMP_CWORD; i++)); do\n")
	b.WriteString("        case \"${COMP_WORDS[i]}\" in\n")
	b.WriteString("            -*) ;;\n")
	b.WriteString("            *) cmd=\"${COMP_WORDS[i]}\"; break ;;\n")
	b.WriteString("        esac\n")
	b.WriteString("    done\n")
	b.WriteString("    case \"$cmd\" in\n")
	var names []string
	for _, c := range cmds {
		names = append(names, c.Name)
	}
	fmt.Fprintf(&b, "        \"\")\n            COMPREPLY=($(compgen -W %s -- \"$cur\"))\n            return ;;\n", shq(strings.Join(append(names, "--help"), " ")))
	for _, c := range cmds {
		fmt.Fprintf(&b, "        %s)\n", shq(c.Name))
		b.WriteString("            case \"$prev\" in\n")
		for _, f := range c.Flags {
			if !f.Value {
				continue
			}
			pat := shq("--" + f.Long)
			if f.Short != 0 {
				pat += "|" + shq("-"+string(f.Short))
			}
			switch {
			case len(f.Enum) > 0:
				fmt.Fprintf(&b, "                %s) COMPREPLY=($(compgen -W %s -- \"$cur\")); return ;;\n", pat, shq(strings.Join(f.Enum, " ")))
			case f.Path:
				fmt.Fprintf(&b, "                %s) COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n", pat)
			default:
				fmt.Fprintf(&b, "                %s) return ;;\n", pat)
			}
		}
		b.WriteString("            esac\n")
		var flags []string
		for _, f := range c.Flags {
			flags = append(flags, "--"+f.Long)
		}
		sort.Strings(flags)
		args := `compgen -f -- "$cur"`
		if len(c.Args) > 0 {
			args = `compgen -W ` + shq(strings.Join(c.Args, " ")) + ` -- "$cur"`
		}
		fmt.Fprintf(&b, "            if [[ \"$cur\" == -* ]]; then\n                COMPREPLY=($(compgen -W %s -- \"$cur\"))\n            else\n                COMPREPLY=($(%s))\n            fi\n            return ;;\n", shq(strings.Join(append(flags, "--help"), " ")), args)
	}
	b.WriteString("    esac\n")
	b.WriteString("}\n")
	fmt.Fprintf(&b, "complete -o filenames -F %s %s\n", fn, program)
	return b.String()
}

// Zsh returns a script for zsh: source it after compinit, or put it in a
// directory of $fpath as _PROGRAM.
func Zsh(program string, cmds []Command) string {
	fn := "_" + ident(program)
	var b strings.Builder
	fmt.Fprintf(&b, "#compdef %s\n\n", program)
	fmt.Fprintf(&b, "%s() {\n", fn)
	b.WriteString("    local -a commands\n")
	b.WriteString("    if (( CURRENT == 2 )); then\n")
	b.WriteString("        commands=(\n")
	for _, c := range cmds {
		fmt.Fprintf(&b, "            %s\n", shq(c.Name+":"+strings.ReplaceAll(c.Help, ":", `\:`)))
	}
	b.WriteString("        )\n")
	b.WriteString("        _describe -t commands command commands\n")
	b.WriteString("        return\n")
	b.WriteString("    fi\n")
	b.WriteString("    case \"${words[2]}\" in\n")
	for _, c := range cmds {
		fmt.Fprintf(&b, "        %s)\n            _arguments -s \\\n", shq(c.Name))
		for _, f := range c.Flags {
			help := zshBracket(f.Help)
			spec := "--" + f.Long + "[" + help + "]"
			if f.Short != 0 {
				spec = "{-" + string(f.Short) + ",--" + f.Long + "}" + shq("["+help+"]")
			} else {
				spec = shq(spec)
			}
			switch {
			case len(f.Enum) > 0:
				spec += shq(":" + f.Long + ":(" + strings.Join(f.Enum, " ") + ")")
			case f.Path:
				spec += shq(":" + f.Long + ":_files")
			case f.Value:
				spec += shq(":" + f.Long + ": ")
			}
			fmt.Fprintf(&b, "                %s \\\n", spec)
		}
		if len(c.Args) > 0 {
			fmt.Fprintf(&b, "                %s\n            ;;\n", shq("1:value:("+strings.Join(c.Args, " ")+")"))
		} else {
			b.WriteString("                '*:file:_files'\n            ;;\n")
		}
	}
	b.WriteString("    esac\n")
	b.WriteString("}\n\n")
	fmt.Fprintf(&b, "if [[ \"$funcstack[1]\" == %s ]]; then\n    %s \"$@\"\nelse\n    compdef %s %s\nfi\n", fn, fn, fn, program)
	return b.String()
}

// Fish returns a script for fish: source it, or put it in
// ~/.config/fish/completions/PROGRAM.fish.
func Fish(program string, cmds []Command) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# fish completion for %s\n", program)
	fmt.Fprintf(&b, "complete -c %s -f\n", program)
	for _, c := range cmds {
		fmt.Fprintf(&b, "complete -c %s -n __fish_use_subcommand -a %s -d %s\n", program, shq(c.Name), shq(c.Help))
	}
	for _, c := range cmds {
		cond := shq("__fish_seen_subcommand_from " + c.Name)
		if len(c.Args) > 0 {
			fmt.Fprintf(&b, "complete -c %s -n %s -a %s\n", program, cond, shq(strings.Join(c.Args, " ")))
		}
		for _, f := range c.Flags {
			fmt.Fprintf(&b, "complete -c %s -n %s -l %s", program, cond, f.Long)
			if f.Short != 0 {
				fmt.Fprintf(&b, " -s %c", f.Short)
			}
			switch {
			case len(f.Enum) > 0:
				fmt.Fprintf(&b, " -x -a %s", shq(strings.Join(f.Enum, " ")))
			case f.Path:
				b.WriteString(" -r -F")
			case f.Value:
				b.WriteString(" -x")
			}
			fmt.Fprintf(&b, " -d %s\n", shq(f.Help))
		}
	}
	return b.String()
}

// shq quotes s for a POSIX shell (and fish, which reads '…' the same way
// but for \\ and \').
func shq(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// zshBracket keeps a description inside _arguments's [...].
func zshBracket(s string) string {
	s = strings.NewReplacer("[", "(", "]", ")", ":", " -").Replace(s)
	if i := strings.Index(s, ". "); i > 0 {
		s = s[:i]
	}
	return s
}

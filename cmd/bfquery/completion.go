package main

import (
	"fmt"
	"strings"

	"github.com/alecthomas/kong"

	"github.com/bfquery/bfquery/internal/completion"
)

// CompletionCmd is "bfquery completion SHELL": a completion script for the
// subcommands and their flags, written from the command line's own model.
type CompletionCmd struct {
	Shell string `arg:"" enum:"bash,zsh,fish" help:"bash, zsh or fish. Load it with: source <(bfquery completion bash); for zsh, after compinit; for fish: bfquery completion fish | source."`
}

func (c *CompletionCmd) Run(e *env, kctx *kong.Context) error {
	script, err := completion.Script(c.Shell, "bfquery", commandsOf(kctx.Model.Node))
	if err != nil {
		return inputError{err}
	}
	_, err = fmt.Fprint(e.stdout, script)
	return err
}

// commandsOf describes the subcommands of a kong model for completion. A
// command with subcommands of its own (databag, files, share...) offers
// their names as its argument and the flags of all of them.
func commandsOf(app *kong.Node) []completion.Command {
	var cmds []completion.Command
	for _, n := range app.Children {
		if n.Type != kong.CommandNode || n.Hidden {
			continue
		}
		cmd := completion.Command{Name: n.Name, Help: n.Help}
		subs := visibleCommands(n)
		switch {
		case len(subs) > 0:
			seen := map[string]bool{}
			for _, sub := range subs {
				cmd.Args = append(cmd.Args, sub.Name)
				for _, f := range flagsOf(sub) {
					if !seen[f.Long] {
						seen[f.Long] = true
						cmd.Flags = append(cmd.Flags, f)
					}
				}
			}
		default:
			if len(n.Positional) > 0 && n.Positional[0].Enum != "" {
				cmd.Args = n.Positional[0].EnumSlice()
			}
			cmd.Flags = flagsOf(n)
		}
		cmds = append(cmds, cmd)
	}
	return cmds
}

func visibleCommands(n *kong.Node) []*kong.Node {
	var out []*kong.Node
	for _, c := range n.Children {
		if c.Type == kong.CommandNode && !c.Hidden {
			out = append(out, c)
		}
	}
	return out
}

// flagsOf describes the flags of one command, its parents' included.
func flagsOf(n *kong.Node) []completion.Flag {
	var flags []completion.Flag
	for _, group := range n.AllFlags(true) {
		for _, f := range group {
			if f.Name == "help" {
				continue
			}
			fl := completion.Flag{Long: f.Name, Short: f.Short, Help: firstSentence(f.Help), Value: !f.IsBool()}
			if f.Enum != "" {
				for _, v := range f.EnumSlice() {
					if v != "" {
						fl.Enum = append(fl.Enum, v)
					}
				}
			}
			fl.Path = f.Tag != nil && (f.Tag.Type == "path" || f.Tag.Type == "existingfile" || f.Tag.Type == "existingdir")
			flags = append(flags, fl)
		}
	}
	return flags
}

func firstSentence(s string) string {
	if i := strings.Index(s, ". "); i > 0 {
		return s[:i+1]
	}
	return s
}

package main

import (
	"bytes"
	"io"
	"strings"

	"github.com/alecthomas/kong"
)

// helpPrinter is kong's help, with the required flags of which one must
// be given (an xor group) shown as a choice in the usage line:
// "(--file=ID | --integration=ID)", not as if all were required.
func helpPrinter(options kong.HelpOptions, ctx *kong.Context) error {
	var b bytes.Buffer
	out := ctx.Stdout
	ctx.Stdout = &b
	err := kong.DefaultHelpPrinter(options, ctx)
	ctx.Stdout = out
	if err != nil {
		return err
	}
	text := b.String()
	node := ctx.Selected()
	if node == nil {
		node = ctx.Model.Node
	}
	usage, rest, _ := strings.Cut(text, "\n")
	for _, group := range oneOf(node) {
		usage = strings.Replace(usage, strings.Join(group, " "), "("+strings.Join(group, " | ")+")", 1)
	}
	_, err = io.WriteString(out, usage+"\n"+rest)
	return err
}

// oneOf returns the summaries of a command's required flags, grouped by
// the xor group they are in, in the order of the usage line.
func oneOf(node *kong.Node) [][]string {
	var keys []string
	groups := map[string][]string{}
	for _, level := range node.AllFlags(true) {
		for _, f := range level {
			if !f.Required || len(f.Xor) == 0 {
				continue
			}
			k := f.Xor[0]
			if _, ok := groups[k]; !ok {
				keys = append(keys, k)
			}
			groups[k] = append(groups[k], f.Summary())
		}
	}
	var out [][]string
	for _, k := range keys {
		if len(groups[k]) > 1 {
			out = append(out, groups[k])
		}
	}
	return out
}

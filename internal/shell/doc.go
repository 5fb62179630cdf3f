// Package shell is bfquery's interactive shell: a read-eval-print loop in
// the manner of psql over a local cache or BIMFACE itself, with line editing,
// a persistent history, tab completion of the query language, and backslash
// meta commands (\targets, \keys, \d, \values, \dsl, \explain, \use,
// \format, \export, \o, \timing, \rows, \x, \pset, \g, \e, \i, \?, \q),
// a pager for results that do not fit the screen, and psql's
// continuation prompts.
//
// On a terminal results and messages go to the screen; from a script
// (a pipe, -f, -c) results go to Stdout alone and the shell's messages
// to Stderr, so that another program can read the results.
//
// The parts a program or a test may want on their own are pure functions:
// Completer.Complete (a line and a cursor to candidates, from a Catalog of
// targets, keys and values), ParseMeta (a backslash command to its typed
// form) and Split (input lines to whole statements ended by ";").
// Shell.Run ties them to a terminal through github.com/chzyer/readline.
package shell

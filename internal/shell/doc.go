// Package shell is bfquery's interactive shell: a read-eval-print loop in
// the manner of psql over a local cache or BIMFACE itself, with line editing,
// a persistent history, tab completion of the query language, and backslash
// meta commands (\targets, \keys, \values, \dsl, \explain, \use, \format,
// \export, \o, \timing, \rows, \?, \q).
//
// The parts a program or a test may want on their own are pure functions:
// Completer.Complete (a line and a cursor to candidates, from a Catalog of
// targets, keys and values), ParseMeta (a backslash command to its typed
// form) and Split (input lines to whole statements ended by ";").
// Shell.Run ties them to a terminal through github.com/chzyer/readline.
package shell

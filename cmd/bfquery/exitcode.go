package main

import (
	"errors"

	"github.com/bfquery/bfquery/dsl"
)

// exitCodes is the rule of bfquery's exit codes, as --help and the README
// state it. exitCode applies it; every command returns its errors and
// lets it decide.
const exitCodes = `Exit codes:
  0    success.
  1    the command could not do what it was asked: a file or cache that is
       missing, unreadable or not valid, a target not in the cache, a
       network or BIMFACE error, a script statement that failed to run;
       query --compare also exits 1 when the answers differ.
  2    what was typed is wrong: an unknown command or flag, a missing or
       bad argument, flags that do not go together, a query that does not
       parse or compile, DSL that does not validate (given as an argument,
       in a --dsl file or to fmt), a script statement or backslash
       command typed wrongly.
  130  interrupted by SIGINT (Ctrl-C); 143 by SIGTERM.`

// Exit codes. A command that SIGINT or SIGTERM ends exits with 130 or 143
// (see signals).
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// inputError marks an error in what the user typed (exit code 2).
type inputError struct{ err error }

func (e inputError) Error() string { return e.err.Error() }
func (e inputError) Unwrap() error { return e.err }

// runError marks an error in doing what was asked (exit code 1) that
// would otherwise read as the user's: a *dsl.Error with the position of
// a bad line in a cache file is the data's fault, not the query's.
type runError struct{ err error }

func (e runError) Error() string { return e.err.Error() }
func (e runError) Unwrap() error { return e.err }

// exitCode is the code a command's error ends bfquery with (signals
// aside): the rule of exitCodes.
func exitCode(err error) int {
	var re runError
	var ie inputError
	var de *dsl.Error
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &re):
		return exitError
	case errors.As(err, &ie), errors.As(err, &de):
		return exitUsage
	}
	return exitError
}

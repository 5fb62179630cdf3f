// Package runner runs the statements of the query language wherever they
// run: on a cache or the demo model (the local engine, package eval), or
// on BIMFACE (plans of requests, package plan), or on both to compare
// them. The CLI's query command and the shell hand every statement to Run
// (and Compare, Matched, Explain), so a new kind of statement is taught
// to bfquery here, once.
//
// An Engine is where statements run: Local over a loaded cache, Remote on
// BIMFACE through a client. Besides answering, an engine lists what the
// shell's catalog and completion need: targets, keys and values.
package runner

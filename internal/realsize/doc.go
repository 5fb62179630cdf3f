// Package realsize holds the tests that run bfquery at the size of real
// models, through a simulator that enforces BIMFACE's limits: a generated
// file of 50,000 elements and an integration of two such files, pulled
// and queried with every ID list longer than BIMFACE's 10,000-id cap, with
// and without faults injected mid-listing. It has no code of its own.
package realsize

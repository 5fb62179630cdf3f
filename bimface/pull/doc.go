// Package pull downloads the model data of a BIMFACE file or integration
// (every element with its properties, the rooms and the areas) into a
// cache directory that package eval reads.
//
//	res, err := pull.Pull(ctx, client, pull.Options{
//		Type: dsl.TargetFile, ID: "1124890692330272", Dir: "cache",
//	})
//
// # Flow
//
// Pull lists the target's element IDs (…/elementIds), splits them into
// batches of at most bimface.MaxBatchIDs, reads the batches (…/elements)
// several at a time, then lists the floors and reads each floor's rooms
// and areas. Records are stored as BIMFACE sent them, one per line
// (NDJSON). The manifest is written last.
//
// # Interruption and resumption
//
// A pull can be stopped at any moment, by cancelling its context, by a
// crash or by a network failure, and the next Pull with the same Dir,
// Type and ID continues where it stopped:
//
//   - the plan comes first: the element IDs and their batches are saved in
//     Dir/.pull-{type}-{id}.json (written to a temporary file, synced,
//     renamed), so that a resumed pull asks for exactly the batches it
//     has not got, whatever the IDs list would say now;
//   - each batch is written to its own file in the pull's directory
//     ({type}-{id}-{stamp}/elements-NNNNNN.ndjson) through a temporary
//     file, synced and renamed: a batch file exists whole or not at all,
//     and a batch is fetched again only if its file does not exist. Left
//     over temporary files are removed on resume;
//   - the manifest is written last, atomically (eval.WriteManifest): a
//     reader sees the previous cache or the new one, never half of one;
//     eval.Open refuses counts that do not match the files, so a damaged
//     directory is reported rather than answered from. The plan is removed
//     after the manifest, then the target's older pull directories.
//
// # Index files
//
// A pull also writes the target's index files (see "Index files" in
// package eval), so that queries open the cache without parsing its
// JSON. The elements' index is built while the batches are fetched: a
// goroutine reads each batch file into it as soon as the file is saved,
// in batch order (batches saved out of order wait for those before),
// from the page cache, and fingerprints it in the same read; batches an
// earlier run saved are read first. When the last batch is in, the
// index's tables are built, so that the index stage at the end has only
// the rooms' and areas' indexes to build and the files to write. They are
// written after the manifest and before the plan is removed: a pull that
// stops before they are written writes them when resumed, and a pull
// that stops earlier leaves no index of what it had read. An index is
// written only whole and current; a record the engine refuses fails the
// pull at the index stage, after the manifest, with the file and line.
//
// Each element is in exactly one batch (IDs are deduplicated before
// batching), each batch in exactly one file, so the finished cache holds
// every element once however many times the pull was resumed.
//
// Running Pull again on a finished target does nothing and reports
// UpToDate, unless Options.Refresh is set: a refresh pulls into a new
// directory and swaps the manifest, so the previous data stays readable
// until the new data is complete.
//
// Several targets may share one cache directory (the manifest lists them
// all), but only one Pull may run on a directory at a time.
package pull

package pull

import (
	"errors"
	"fmt"
	"path"

	"github.com/bfquery/bfquery/dsl"
	"github.com/bfquery/bfquery/eval"
)

// indexMode is when a pull builds its index files.
type indexMode int

const (
	// indexDuring reads each batch file into the element index as soon
	// as it is saved, in batch order, while the later batches are
	// fetched; at the end only the index's tables are left to build.
	indexDuring indexMode = iota
	// indexAfter loads the saved files at the end (eval.WriteIndexes),
	// as "bfquery index" does: how pulls did it before, kept for the
	// benchmark that compares the two.
	indexAfter
	// indexNone writes no index files: the benchmark's baseline.
	indexNone
)

// whenIndex is when Pull builds index files; only benchmarks change it.
var whenIndex = indexDuring

// elementIndexer builds the index of a target's elements from its batch
// files as they are saved. Its goroutine reads batch i once the file
// exists (ready[i] closed), in batch order, so that what it reads is in
// the order of the manifest; the files are read right after they are
// written, from the page cache. Batches saved by an earlier run are
// ready from the start.
type elementIndexer struct {
	ib    *eval.IndexBuilder
	ready []chan struct{}
	stop  chan struct{} // closed to abandon the index
	done  chan struct{} // closed when the goroutine has returned
	err   error         // the goroutine's, read after done
}

// errAbandoned is what an abandoned indexer's goroutine leaves.
var errAbandoned = errors.New("index abandoned")

// startIndexer starts reading the batches of pl in gen into an index.
// saved says which batches an earlier run saved.
func startIndexer(dir string, pl *plan, saved []bool) *elementIndexer {
	x := &elementIndexer{
		ib:    eval.NewIndexBuilder(dir, dsl.SelectElements),
		ready: make([]chan struct{}, len(pl.Batches)),
		stop:  make(chan struct{}),
		done:  make(chan struct{}),
	}
	for i := range x.ready {
		x.ready[i] = make(chan struct{})
		if saved[i] {
			close(x.ready[i])
		}
	}
	go func() {
		defer close(x.done)
		for i, b := range pl.Batches {
			select {
			case <-x.ready[i]:
			case <-x.stop:
				x.err = errAbandoned
				return
			}
			// Stopping wins over a batch that is ready too.
			select {
			case <-x.stop:
				x.err = errAbandoned
				return
			default:
			}
			if err := x.ib.Add(eval.Part{Path: path.Join(pl.Dir, batchName(i)), FileID: b.FileID}); err != nil {
				x.err = err
				return
			}
		}
		_, x.err = x.ib.Finish()
	}()
	return x
}

// saved says that batch i's file is complete.
func (x *elementIndexer) saved(i int) { close(x.ready[i]) }

// wait waits for the goroutine to have read every batch and built the
// index's tables.
func (x *elementIndexer) wait() error {
	<-x.done
	return x.err
}

// close abandons the index if it is not written yet, waits for the
// goroutine and frees what the index holds.
func (x *elementIndexer) close() {
	close(x.stop)
	<-x.done
	x.ib.Close()
}

// writeIndexes writes the target's index files, so that queries open the
// cache without parsing its JSON. They are the target's own files: pulls
// of other targets do not touch them. It runs after the manifest is
// written and before the plan is removed, so that a pull resumed in
// between writes them too. The elements' index is x's, when the pull
// built it as it went (nil otherwise); the rooms and areas, a few
// files at most, are read now.
func (p *puller) writeIndexes(x *elementIndexer, tm *eval.TargetManifest) error {
	p.report(StageIndex)
	switch {
	case whenIndex == indexNone:
		return nil
	case x == nil:
		if err := eval.WriteIndexes(p.opts.Dir, p.opts.Type, p.opts.ID); err != nil {
			return fmt.Errorf("pull: writing the index: %w", err)
		}
		return nil
	}
	if err := x.wait(); err != nil {
		return fmt.Errorf("pull: writing the index: %w", err)
	}
	if err := x.ib.Write(tm); err != nil {
		return fmt.Errorf("pull: writing the index: %w", err)
	}
	x.ib.Close()
	for _, l := range []struct {
		sel   dsl.Select
		parts []eval.Part
	}{{dsl.SelectRooms, tm.Rooms}, {dsl.SelectAreas, tm.Areas}} {
		if err := writeListIndex(p.opts.Dir, tm, l.sel, l.parts); err != nil {
			return fmt.Errorf("pull: writing the index: %w", err)
		}
	}
	return nil
}

// writeListIndex writes the index of one list of tm, read from its files.
func writeListIndex(dir string, tm *eval.TargetManifest, sel dsl.Select, parts []eval.Part) error {
	if len(parts) == 0 {
		return nil
	}
	ib := eval.NewIndexBuilder(dir, sel)
	defer ib.Close()
	for _, p := range parts {
		if err := ib.Add(p); err != nil {
			return err
		}
	}
	if _, err := ib.Finish(); err != nil {
		return err
	}
	return ib.Write(tm)
}

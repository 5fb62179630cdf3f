//go:build !unix

package pull_test

import "time"

// cpuTime is 0 where the process's CPU time is not read: benchmarks then
// report no CPU ratios.
func cpuTime() time.Duration { return 0 }

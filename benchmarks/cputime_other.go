//go:build !linux

package benchmarks

import "time"

// threadCPU reports false: the CPU time of one thread is read on Linux
// only.
func threadCPU() (time.Duration, bool) { return 0, false }

// processCPU reports false: read on Linux only.
func processCPU() (time.Duration, bool) { return 0, false }

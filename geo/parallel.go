package geo

import (
	"context"
	"sync"
	"sync/atomic"
)

// parallel calls a worker for every index in [0, n), on at most workers
// goroutines. newWorker is called once per goroutine, so that the function it
// returns can own scratch buffers. parallel checks ctx before every index and
// stops starting new ones at the first error, which it returns; indices are
// handed out in no fixed order, so callers write only to slots of their own.
func parallel(ctx context.Context, n, workers int, newWorker func() func(i int) error) error {
	var (
		next   atomic.Int64
		failed atomic.Bool
		once   sync.Once
		first  error
		wg     sync.WaitGroup
	)
	for range max(1, min(workers, n)) {
		wg.Go(func() {
			work := newWorker()
			for !failed.Load() {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				err := ctx.Err()
				if err == nil {
					err = work(i)
				}
				if err != nil {
					once.Do(func() { first = err })
					failed.Store(true)
					return
				}
			}
		})
	}
	wg.Wait()
	return first
}

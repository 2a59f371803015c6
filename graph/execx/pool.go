package execx

import (
	"time"
)

// idleWorkers hands a function to a worker goroutine that is waiting for
// one (an unbuffered channel: a send succeeds only when one is).
var idleWorkers = make(chan func())

// workerIdle is how long a worker waits for more work before it exits.
const workerIdle = 2 * time.Second

// goWorker runs f on a goroutine: an idle worker's when one is waiting,
// otherwise a new one, which then stays for more work until it has waited
// workerIdle for none. Never blocks, never limits how many run at once: it
// is the go statement, with goroutines that keep the stack they have grown.
// The executor's element goroutines grow theirs several times over
// (resolver, loader, field interceptors, marshalling): with a new
// goroutine per element, copying stacks was a fifth of the CPU of a warm
// list of 100 deployments with their workspaces and clusters.
func goWorker(f func()) {
	select {
	case idleWorkers <- f:
	default:
		go worker(f)
	}
}

func worker(f func()) {
	idle := time.NewTimer(workerIdle)
	defer idle.Stop()
	for {
		f()
		idle.Reset(workerIdle)
		select {
		case f = <-idleWorkers:
		case <-idle.C:
			return
		}
	}
}

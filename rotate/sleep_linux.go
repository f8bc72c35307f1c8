package rotate

import (
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// shortSleeper sleeps for spans well under a millisecond without tying up the process: a read
// of a timerfd through the runtime's netpoller parks the goroutine, and epoll wakes it when
// the timer fires. A Go timer (time.Sleep) wakes about a millisecond late once the process is
// idle, and nanosleep(2) holds the thread's P while it sleeps, stalling the other goroutines
// of a GOMAXPROCS=1 program until sysmon takes the P back.
type shortSleeper struct {
	fd int      // for timerfd_settime: f.Fd() would make the file blocking
	f  *os.File // pollable: the fd is non-blocking
}

// newShortSleeper returns a sleeper, or nil when the kernel refuses a timerfd (sleep then
// falls back to time.Sleep).
func newShortSleeper() *shortSleeper {
	fd, err := unix.TimerfdCreate(unix.CLOCK_MONOTONIC, unix.TFD_NONBLOCK|unix.TFD_CLOEXEC)
	if err != nil {
		return nil
	}
	return &shortSleeper{fd: fd, f: os.NewFile(uintptr(fd), "rotate-timerfd")}
}

func (s *shortSleeper) sleep(d time.Duration) {
	if s == nil {
		time.Sleep(d)
		return
	}
	its := unix.ItimerSpec{Value: unix.NsecToTimespec(d.Nanoseconds())}
	if err := unix.TimerfdSettime(s.fd, 0, &its, nil); err != nil {
		time.Sleep(d)
		return
	}
	var expirations [8]byte
	if _, err := s.f.Read(expirations[:]); err != nil {
		time.Sleep(d)
	}
}

func (s *shortSleeper) close() {
	if s != nil {
		s.f.Close()
	}
}

package httpsink

import "runtime"

func httpRuntimeCallers(skip int, pcs []uintptr) int { return runtime.Callers(skip+2, pcs) }

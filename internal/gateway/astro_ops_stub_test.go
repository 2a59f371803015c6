package gateway_test

import "testing"

func opsDeploys(t *testing.T, r *opsRun)     {}
func opsIAM(t *testing.T, r *opsRun)         {}
func opsAccess(t *testing.T, r *opsRun)      {}
func opsEnvironment(t *testing.T, r *opsRun) {}

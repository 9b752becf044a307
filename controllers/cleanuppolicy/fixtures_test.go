package cleanuppolicy

import (
	"github.com/langflix/langflix-operator/controllers/internal/fixtures"
)

// The shared unit-test fixtures (controllers/internal/fixtures) under short local names.
var (
	t0                    = fixtures.T0
	at                    = fixtures.At
	testRunner            = fixtures.Runner
	testNamespace         = fixtures.Namespace
	runnerPod             = fixtures.RunnerPod
	jobComplete           = fixtures.JobComplete
	jobFailed             = fixtures.JobFailed
	diffField             = fixtures.DiffField
	assertHasArg          = fixtures.AssertHasArg
	assertNoArg           = fixtures.AssertNoArg
	assertRunnerPodBasics = fixtures.AssertRunnerPodBasics
	flag                  = fixtures.Flag
	drain                 = fixtures.Drain
	cleanupPolicy         = fixtures.CleanupPolicy
)

type jobMod = fixtures.JobMod

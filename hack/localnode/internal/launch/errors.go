package launch

import (
	"errors"
	"fmt"
)

// Reasons reported in pod and container status when a pod cannot start. They mirror the kubelet's where one
// exists, so tools that read them behave the same on localnode.
const (
	// ReasonConfig is the kubelet's reason for a missing ConfigMap, Secret or key; it may resolve later.
	ReasonConfig = "CreateContainerConfigError"
	// ReasonImageNotMapped means no --image-map rule selects the container's image.
	ReasonImageNotMapped = "ImageNotMapped"
	// ReasonUnsupported means the pod uses a feature localnode cannot provide.
	ReasonUnsupported = "UnsupportedByLocalnode"
)

// SetupError is an error that keeps a pod from starting, with the reason to report for it. Permanent errors
// fail the pod at once; the others are retried, as the kubelet retries a container whose Secret is missing.
type SetupError struct {
	Reason    string
	Permanent bool
	Err       error
}

func (e *SetupError) Error() string { return e.Err.Error() }
func (e *SetupError) Unwrap() error { return e.Err }

// Permanentf returns a SetupError that retrying cannot fix.
func Permanentf(reason, format string, args ...any) error {
	return &SetupError{Reason: reason, Permanent: true, Err: fmt.Errorf(format, args...)}
}

// Retryablef returns a SetupError that may resolve by itself (an object not created yet).
func Retryablef(reason, format string, args ...any) error {
	return &SetupError{Reason: reason, Err: fmt.Errorf(format, args...)}
}

// SetupErrorOf returns the SetupError in err's chain, or nil.
func SetupErrorOf(err error) *SetupError {
	var se *SetupError
	if errors.As(err, &se) {
		return se
	}
	return nil
}

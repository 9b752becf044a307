package kubectlplugin

// renderer shows a watch: Update is called (from one goroutine) for every change a user should see, Finish
// once at the end, after which the renderer prints nothing more, so the summary can follow it.
type renderer interface {
	Update(v taskView)
	// Finish stops drawing. interrupted is true when the watch ends before every task finished (timeout or
	// Ctrl-C): bars still running are left where they are.
	Finish(interrupted bool)
}

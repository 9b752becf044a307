package progress

// Multi returns a Sink that forwards every snapshot to each of sinks, in order.
func Multi(sinks ...Sink) Sink { return multiSink(sinks) }

type multiSink []Sink

func (m multiSink) Update(s Snapshot) {
	for _, sink := range m {
		sink.Update(s)
	}
}

func (m multiSink) Close() {
	for _, sink := range m {
		sink.Close()
	}
}

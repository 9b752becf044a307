package media

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/langflix/langflix-operator/runner/failure"
)

// Stream describes one stream of a media file.
type Stream struct {
	Index      int
	Type       string // "video", "audio", "subtitle", "data", "attachment"
	Codec      string
	Language   string // from the stream's language tag, "" when untagged
	Width      int
	Height     int
	FrameRate  float64
	SampleRate int
	Channels   int
}

// ProbeInfo is what the runner needs to know about an input. Width, Height and FrameRate are those of the
// first real video stream.
type ProbeInfo struct {
	Duration  time.Duration
	Size      int64
	Streams   []Stream
	HasVideo  bool
	HasAudio  bool
	Width     int
	Height    int
	FrameRate float64

	// videoDuration is the first video stream's own length. Duration is the container's, the longest
	// stream, which for AAC audio is rounded up to whole audio frames; joining segments by that length
	// would add up to 21 ms per segment.
	videoDuration time.Duration
}

// videoLength is the length of the video stream when known, else the container's duration.
func (i *ProbeInfo) videoLength() time.Duration {
	if i.videoDuration > 0 {
		return i.videoDuration
	}
	return i.Duration
}

// truncationWindow is how much of a file's end Probe reads to check the data is really there, and
// truncationSlack how far short of the declared duration the last packet may end (streams rarely end
// exactly together).
const (
	truncationWindow = 3 * time.Second
	truncationSlack  = time.Second
)

// Probe describes the media file at path. Inputs that can never work fail with failure.Invalid: a file
// that is not media, one without a video stream, one whose data ends before its declared duration.
func (t Tools) Probe(ctx context.Context, path string) (*ProbeInfo, error) {
	st, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, failure.Invalid("%s does not exist", path)
		}
		return nil, fmt.Errorf("probe %s: %w", path, err)
	}
	if st.IsDir() {
		return nil, failure.Invalid("%s is a folder, not a media file", path)
	}
	if st.Size() == 0 {
		return nil, failure.Invalid("%s is not a media file: it is empty", path)
	}

	out, err := run(ctx, t.ffprobe(), []string{
		"-v", "error", "-print_format", "json", "-show_format", "-show_streams", "--", path,
	})
	if err != nil {
		var failed *processError
		if !errors.As(err, &failed) {
			return nil, fmt.Errorf("probe %s: %w", path, err)
		}
		return nil, classifyUnreadable(path, err)
	}
	info, start, err := parseProbe(out)
	if err != nil {
		return nil, fmt.Errorf("probe %s: %w", path, err)
	}
	if info.Size == 0 {
		info.Size = st.Size()
	}
	if !info.HasVideo {
		return nil, failure.Invalid("%s has no video stream", path)
	}
	if info.Duration <= 0 {
		return nil, failure.Invalid("%s has no duration: a still image or a live stream, not a video file", path)
	}
	if err := t.checkComplete(ctx, path, start, info.Duration); err != nil {
		return nil, err
	}
	return info, nil
}

// classifyUnreadable tells a damaged media file (its signature is a known container) from something
// that never was one. ffprobe's own message does not: it guesses the format from the extension too, so a
// text file named .mp4 and a cut-off MP4 both get "moov atom not found".
func classifyUnreadable(path string, probeErr error) error {
	if looksLikeMedia(path) {
		return failure.Invalid("%s is truncated or corrupt: %w", path, probeErr)
	}
	return failure.Invalid("%s is not a media file: %w", path, probeErr)
}

// checkComplete reads the packets in the last few seconds of the file. A file cut off after its index was
// written (MP4 with the index first, Matroska) opens fine and declares its full duration, but its packets
// stop early or cannot be read at all.
func (t Tools) checkComplete(ctx context.Context, path string, start, duration time.Duration) error {
	end := start + duration
	from := max(start, end-truncationWindow)
	out, err := run(ctx, t.ffprobe(), []string{
		"-v", "error", "-read_intervals", seconds(from) + "%",
		"-show_entries", "packet=pts_time,dts_time,duration_time", "-print_format", "json", "--", path,
	})
	if err != nil {
		var failed *processError
		if !errors.As(err, &failed) {
			return fmt.Errorf("probe %s: %w", path, err)
		}
		return failure.Invalid("%s is truncated or corrupt: %w", path, err)
	}
	last, err := lastPacketEnd(out)
	if err != nil {
		return fmt.Errorf("probe %s packets: %w", path, err)
	}
	if last < end-truncationSlack {
		if last < 0 {
			return failure.Invalid("%s is truncated or corrupt: no packets near the declared end (%s)", path, end)
		}
		return failure.Invalid("%s is truncated or corrupt: data ends at %s but the file declares %s",
			path, last.Round(time.Millisecond), end.Round(time.Millisecond))
	}
	return nil
}

// ffprobe's JSON output, as far as we use it. Numbers are strings in ffprobe's JSON.
type probeJSON struct {
	Streams []struct {
		Index        int               `json:"index"`
		CodecType    string            `json:"codec_type"`
		CodecName    string            `json:"codec_name"`
		Width        int               `json:"width"`
		Height       int               `json:"height"`
		RFrameRate   string            `json:"r_frame_rate"`
		AvgFrameRate string            `json:"avg_frame_rate"`
		SampleRate   string            `json:"sample_rate"`
		Channels     int               `json:"channels"`
		Duration     string            `json:"duration"`
		Tags         map[string]string `json:"tags"`
		Disposition  map[string]int    `json:"disposition"`
	} `json:"streams"`
	Format struct {
		Duration  string `json:"duration"`
		StartTime string `json:"start_time"`
		Size      string `json:"size"`
	} `json:"format"`
}

// parseProbe converts ffprobe's JSON into ProbeInfo; it also returns the container's start time, which
// packet timestamps are relative to.
func parseProbe(data []byte) (*ProbeInfo, time.Duration, error) {
	var p probeJSON
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, 0, fmt.Errorf("parse ffprobe output: %w", err)
	}
	info := &ProbeInfo{Duration: parseSeconds(p.Format.Duration)}
	info.Size, _ = strconv.ParseInt(p.Format.Size, 10, 64)
	longestStream := time.Duration(0)
	for _, s := range p.Streams {
		sampleRate, _ := strconv.Atoi(s.SampleRate)
		stream := Stream{
			Index: s.Index, Type: s.CodecType, Codec: s.CodecName, Language: language(s.Tags["language"]),
			Width: s.Width, Height: s.Height, SampleRate: sampleRate, Channels: s.Channels,
		}
		if s.CodecType == "video" {
			stream.FrameRate = frameRate(s.RFrameRate, s.AvgFrameRate)
		}
		info.Streams = append(info.Streams, stream)
		longestStream = max(longestStream, parseSeconds(s.Duration))

		switch {
		// Cover art in audio files is a "video" stream of one picture: not something we can cut.
		case s.CodecType == "video" && s.Disposition["attached_pic"] == 0 && !info.HasVideo:
			info.HasVideo = true
			info.Width, info.Height, info.FrameRate = s.Width, s.Height, stream.FrameRate
			info.videoDuration = parseSeconds(s.Duration)
		case s.CodecType == "audio":
			info.HasAudio = true
		}
	}
	if info.Duration <= 0 {
		info.Duration = longestStream
	}
	return info, max(0, parseSeconds(p.Format.StartTime)), nil
}

// language returns a stream's ISO 639 language tag; "und" (undetermined, which MP4 writes when nothing
// was set) is reported as untagged.
func language(tag string) string {
	if tag == "und" {
		return ""
	}
	return tag
}

// frameRate picks the stream's frame rate. r_frame_rate is the base rate and usually right; Matroska
// files often carry a nonsense value in one of the two (avg 1000/1 from millisecond timestamps), so
// implausible values fall through to the other.
func frameRate(candidates ...string) float64 {
	for _, c := range candidates {
		if r := parseRational(c); r > 0 && r <= 240 {
			return r
		}
	}
	return 0
}

func parseRational(s string) float64 {
	num, den, ok := strings.Cut(s, "/")
	n, err1 := strconv.ParseFloat(num, 64)
	if !ok {
		if err1 != nil {
			return 0
		}
		return n
	}
	d, err2 := strconv.ParseFloat(den, 64)
	if err1 != nil || err2 != nil || d == 0 {
		return 0
	}
	return n / d
}

// parseSeconds reads ffprobe's "12.345000"; "N/A" and garbage are 0.
func parseSeconds(s string) time.Duration {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
		return 0
	}
	return time.Duration(math.Round(f * float64(time.Second)))
}

// lastPacketEnd returns the latest pts+duration of the packets in ffprobe's JSON, -1 when there are none.
func lastPacketEnd(data []byte) (time.Duration, error) {
	var p struct {
		Packets []struct {
			PTS      string `json:"pts_time"`
			DTS      string `json:"dts_time"`
			Duration string `json:"duration_time"`
		} `json:"packets"`
	}
	if err := json.Unmarshal(data, &p); err != nil {
		return 0, fmt.Errorf("parse ffprobe packets: %w", err)
	}
	last := time.Duration(-1)
	for _, pkt := range p.Packets {
		ts := pkt.PTS
		if _, err := strconv.ParseFloat(ts, 64); err != nil {
			ts = pkt.DTS
		}
		if _, err := strconv.ParseFloat(ts, 64); err != nil {
			continue
		}
		last = max(last, parseSeconds(ts)+parseSeconds(pkt.Duration))
	}
	return last, nil
}

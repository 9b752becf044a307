package media

import (
	"strings"
	"testing"
	"time"

	"github.com/langflix/langflix-operator/runner/failure"
)

func TestProbe(t *testing.T) {
	tools := DefaultTools()
	tests := []struct {
		name          string
		path          string
		duration      time.Duration
		width, height int
		fps           float64
		streams       []Stream // Index, Type, Codec, Language, SampleRate, Channels are compared
	}{
		{
			name: "generated", path: fixtures.video, duration: fixtureDuration, width: 640, height: 360, fps: 25,
			streams: []Stream{{Index: 0, Type: "video", Codec: "h264"}, {Index: 1, Type: "audio", Codec: "aac", SampleRate: 44100, Channels: 1}},
		},
		{
			name: "mkv with subtitles", path: sampleMKV, duration: 1234 * time.Millisecond, width: 1080, height: 720, fps: 60,
			streams: []Stream{
				{Index: 0, Type: "video", Codec: "h264"},
				{Index: 1, Type: "audio", Codec: "ac3", SampleRate: 44100, Channels: 1},
				{Index: 2, Type: "subtitle", Codec: "subrip", Language: "eng"},
			},
		},
		{
			name: "bbb mp4", path: sampleBBB, duration: 9917 * time.Millisecond, width: 320, height: 240, fps: 24,
			streams: []Stream{{Index: 0, Type: "video", Codec: "h264"}, {Index: 1, Type: "audio", Codec: "aac", SampleRate: 44100, Channels: 2}},
		},
		{
			name: "no audio", path: fixtures.silentVideo, duration: 6 * time.Second, width: 320, height: 240, fps: 30,
			streams: []Stream{{Index: 0, Type: "video", Codec: "h264"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info, err := tools.Probe(testContext(t), tt.path)
			if err != nil {
				t.Fatal(err)
			}
			if !within(info.Duration, tt.duration, 50*time.Millisecond) {
				t.Errorf("Duration = %s, want %s", info.Duration, tt.duration)
			}
			if !info.HasVideo || info.Width != tt.width || info.Height != tt.height || info.FrameRate != tt.fps {
				t.Errorf("video = %v %dx%d@%g, want %dx%d@%g", info.HasVideo, info.Width, info.Height, info.FrameRate, tt.width, tt.height, tt.fps)
			}
			if info.Size <= 0 {
				t.Errorf("Size = %d", info.Size)
			}
			wantAudio := false
			for _, s := range tt.streams {
				wantAudio = wantAudio || s.Type == "audio"
			}
			if info.HasAudio != wantAudio {
				t.Errorf("HasAudio = %v, want %v", info.HasAudio, wantAudio)
			}
			if len(info.Streams) != len(tt.streams) {
				t.Fatalf("got %d streams %+v, want %d", len(info.Streams), info.Streams, len(tt.streams))
			}
			for i, want := range tt.streams {
				got := info.Streams[i]
				if got.Index != want.Index || got.Type != want.Type || got.Codec != want.Codec || got.Language != want.Language ||
					got.SampleRate != want.SampleRate || got.Channels != want.Channels {
					t.Errorf("stream %d = %+v, want %+v", i, got, want)
				}
			}
		})
	}
}

func TestProbeRejectsUnusableFiles(t *testing.T) {
	tools := DefaultTools()
	tests := []struct {
		name, path, want string
	}{
		{"text file", fixtures.textFile, "is not a media file"},
		{"text file named .mp4", fixtures.textAsMP4, "is not a media file"},
		{"empty file", fixtures.empty, "is not a media file"},
		{"truncated mp4, index lost", fixtures.truncated, "is truncated or corrupt"},
		{"truncated mp4, index intact", fixtures.truncatedFast, "is truncated or corrupt"},
		{"audio only", fixtures.audioOnly, "has no video stream"},
		{"missing", fixtures.dir + "/nope.mp4", "does not exist"},
		{"folder", fixtures.dir, "is a folder"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tools.Probe(testContext(t), tt.path)
			if !failure.IsInvalid(err) {
				t.Fatalf("Probe(%s) = %v, want an InvalidInput error", tt.path, err)
			}
			if !strings.Contains(err.Error(), tt.path) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q should name the file and say %q", err, tt.want)
			}
		})
	}
}

func TestProbeMissingBinaryIsNotInvalidInput(t *testing.T) {
	tools := Tools{FFprobe: "/nonexistent/ffprobe"}
	_, err := tools.Probe(testContext(t), sampleBBB)
	if err == nil || failure.IsInvalid(err) {
		t.Fatalf("Probe with a missing ffprobe = %v; want a retryable error, the input is fine", err)
	}
}

func TestFrameRate(t *testing.T) {
	tests := []struct {
		r, avg string
		want   float64
	}{
		{"25/1", "25/1", 25},
		{"30000/1001", "30000/1001", 30000.0 / 1001},
		{"0/0", "24/1", 24},
		{"1000/1", "24/1", 24}, // Matroska millisecond time base
		{"0/0", "0/0", 0},
		{"garbage", "", 0},
	}
	for _, tt := range tests {
		if got := frameRate(tt.r, tt.avg); got != tt.want {
			t.Errorf("frameRate(%q, %q) = %g, want %g", tt.r, tt.avg, got, tt.want)
		}
	}
}

func TestHasMediaSignature(t *testing.T) {
	ts := make([]byte, 400)
	ts[0], ts[188] = 0x47, 0x47
	tests := []struct {
		name string
		head []byte
		want bool
	}{
		{"mp4", []byte("\x00\x00\x00\x20ftypisom"), true},
		{"mkv", []byte{0x1a, 0x45, 0xdf, 0xa3, 0x01}, true},
		{"avi", []byte("RIFF\x00\x00\x00\x00AVI "), true},
		{"mpeg-ts", ts, true},
		{"text", []byte("hello world, this is text"), false},
		{"short", []byte("ab"), false},
		{"empty", nil, false},
	}
	for _, tt := range tests {
		if got := hasMediaSignature(tt.head); got != tt.want {
			t.Errorf("%s: hasMediaSignature = %v, want %v", tt.name, got, tt.want)
		}
	}
}

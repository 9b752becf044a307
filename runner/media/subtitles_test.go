package media

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/langflix/langflix-operator/runner/fsutil"
	"github.com/langflix/langflix-operator/runner/lessonsubs"
	"github.com/langflix/langflix-operator/runner/slides"
)

// lessonFonts prepares the fonts folder the pipeline gives libass.
func lessonFonts(t *testing.T) lessonsubs.Fonts {
	t.Helper()
	font, err := slides.FindFont("")
	if err != nil {
		t.Fatal(err)
	}
	fonts, err := lessonsubs.PrepareFonts(font, filepath.Join(t.TempDir(), "fonts"))
	if err != nil {
		t.Fatal(err)
	}
	return fonts
}

// writeScript writes a script as the pipeline does and returns what to burn.
func writeScript(t *testing.T, s lessonsubs.Script, path string, fonts lessonsubs.Fonts) *Subtitles {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := fsutil.WriteFileAtomic(path, s.Marshal(), 0o644); err != nil {
		t.Fatal(err)
	}
	return &Subtitles{Script: path, FontsDir: fonts.Dir}
}

// regionFrames decodes every frame of path as stored (none dropped or repeated), cropped to rows [y0, y1),
// as RGB, with each frame's time.
func regionFrames(t *testing.T, path string, width, y0, y1 int) ([][]byte, []time.Duration) {
	t.Helper()
	out, err := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-i", path, "-map", "0:v:0",
		"-fps_mode", "passthrough", "-vf", "crop="+strconv.Itoa(width)+":"+strconv.Itoa(y1-y0)+":0:"+strconv.Itoa(y0),
		"-pix_fmt", "rgb24", "-f", "rawvideo", "-").Output()
	if err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	size := width * (y1 - y0) * 3
	var frames [][]byte
	for len(out) >= size {
		frames, out = append(frames, out[:size]), out[size:]
	}
	ts, err := exec.Command("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "frame=pts_time",
		"-of", "csv=p=0", path).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", path, err)
	}
	var times []time.Duration
	for _, f := range strings.Fields(string(ts)) {
		times = append(times, parseSeconds(strings.Trim(f, ",")))
	}
	if len(times) != len(frames) {
		t.Fatalf("%s: %d frames decoded, %d frame times", path, len(frames), len(times))
	}
	return frames, times
}

// drawn counts the pixels of a that differ from b by more than a compression artefact can: text, its
// outline or its shadow.
func drawn(a, b []byte) int {
	n := 0
	for i := 0; i+2 < len(a); i += 3 {
		if absDiff(a[i], b[i]) > 60 || absDiff(a[i+1], b[i+1]) > 60 || absDiff(a[i+2], b[i+2]) > 60 {
			n++
		}
	}
	return n
}

// goldRows lists the rows (within the region) holding highlight-coloured pixels.
func goldRows(rgb []byte, width int) []int {
	var rows []int
	for y := 0; y*width*3 < len(rgb); y++ {
		count := 0
		for x := range width {
			p := rgb[(y*width+x)*3:]
			if p[0] > 200 && p[1] > 150 && p[1] < 230 && p[2] < 110 {
				count++
			}
		}
		if count >= 3 {
			rows = append(rows, y)
		}
	}
	return rows
}

// drawnRows is the first and last row of the region where a and b differ by more than a few pixels.
func drawnRows(a, b []byte, width int) (first, last int) {
	first, last = -1, -1
	for y := 0; (y+1)*width*3 <= len(a); y++ {
		row := y * width * 3
		if drawn(a[row:row+width*3], b[row:row+width*3]) >= 3 {
			if first < 0 {
				first = y
			}
			last = y
		}
	}
	return first, last
}

func absDiff(a, b byte) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}

// cueLines are the dialogue around a cut of the plain video from 3.37 s to 9 s: cue times on no frame
// boundary of the clip, a line cut off by the clip's start, and the expression's line.
var cueLines = []lessonsubs.Line{
	{Start: 2 * time.Second, End: 3500 * time.Millisecond, Text: "Cut off by the start: a fragment, left out."},
	{Start: 4010 * time.Millisecond, End: 5500 * time.Millisecond, Text: "Someone very dear?", Translation: "아주 소중한 사람?"},
	{Start: 6020 * time.Millisecond, End: 7000 * time.Millisecond, Text: "A kindred spirit?", Translation: "마음이 통하는 사람?",
		Highlight: "kindred spirit", HighlightTranslation: "마음이 통하는 사람"},
	{Start: 8500 * time.Millisecond, End: 8900 * time.Millisecond, Text: `{\fs300}Short line\N`},
}

// TestBurnedSubtitlesFollowTheCues cuts the plain video with and without subtitles and compares every
// frame's subtitle region: text is drawn on exactly the frames whose time lies within a cue shifted to the
// clip's timeline, from the cue's first frame to its last, and on no other frame; nothing is drawn above
// the region; the expression is highlighted only in its own line, with the translation below it. The
// script sits in a folder whose name needs filter-graph escaping.
func TestBurnedSubtitlesFollowTheCues(t *testing.T) {
	tools := DefaultTools()
	dir := filepath.Join(t.TempDir(), `it's [a], b; c:d\e`)
	fonts := lessonFonts(t)
	start, end := 3370*time.Millisecond, 9*time.Second
	tl := lessonsubs.Timeline{Start: start, Frames: FrameCount(end - start), FrameRate: OutputFrameRate}
	script := lessonsubs.New(cueLines, tl, lessonsubs.Dual, lessonsubs.Landscape(OutputWidth, OutputHeight), fonts.Family)
	subs := writeScript(t, script, filepath.Join(dir, "context.ass"), fonts)

	withSubs, plain := filepath.Join(dir, "subtitled.mp4"), filepath.Join(dir, "plain.mp4")
	err := tools.CutClips(testContext(t), []Clip{
		{Src: fixtures.plainVideo, Dst: withSubs, Start: start, End: end, Subtitles: subs},
		{Src: fixtures.plainVideo, Dst: plain, Start: start, End: end},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}

	const regionTop = OutputHeight * 3 / 5 // subtitles sit in the bottom two fifths
	got, times := regionFrames(t, withSubs, OutputWidth, regionTop, OutputHeight)
	want, _ := regionFrames(t, plain, OutputWidth, regionTop, OutputHeight)
	if len(got) != tl.Frames || len(want) != tl.Frames {
		t.Fatalf("%d and %d frames, want FrameCount(%s) = %d", len(got), len(want), end-start, tl.Frames)
	}
	for k, at := range times {
		if at != frameTime(k) {
			t.Fatalf("frame %d is at %s, want %s: the subtitle timeline would not match the picture", k, at, frameTime(k))
		}
	}

	// Frame k shows the source at start + k/25: the frames a cue covers.
	cueOf := make([]int, tl.Frames)
	for k := range cueOf {
		cueOf[k] = -1
		source := start + frameTime(k)
		for i, l := range cueLines[1:] {
			if l.Start <= source && source < l.End {
				cueOf[k] = i + 1
			}
		}
	}
	for k := range tl.Frames {
		n := drawn(got[k], want[k])
		switch {
		case cueOf[k] >= 0 && n < 300:
			t.Errorf("frame %d (%s in the source) is in %q but only %d pixels differ from the plain cut", k, start+frameTime(k), cueLines[cueOf[k]].Text, n)
		case cueOf[k] < 0 && n > 0:
			t.Errorf("frame %d (%s in the source) is outside every cue but %d pixels differ from the plain cut", k, start+frameTime(k), n)
		}
		gold := goldRows(got[k], OutputWidth)
		if (cueOf[k] == 2) != (len(gold) > 0) {
			t.Errorf("frame %d in cue %d: %d rows of highlight colour", k, cueOf[k], len(gold))
		}
		// Dialogue lines with a translation take two lines of text; the last line has none and takes one.
		if first, last := drawnRows(got[k], want[k], OutputWidth); cueOf[k] >= 0 {
			twoLines := cueLines[cueOf[k]].Translation != ""
			if height := last - first; twoLines != (height > 70) {
				t.Errorf("frame %d in %q: text %d rows high, want two lines: %v", k, cueLines[cueOf[k]].Text, height, twoLines)
			}
		}
		if cueOf[k] == 2 && len(gold) > 0 && gold[len(gold)-1]-gold[0] < 40 {
			t.Errorf("frame %d: highlight on rows %d-%d, want the expression in both lines", k, gold[0], gold[len(gold)-1])
		}
	}

	// Above the region the two cuts are the same picture.
	top, _ := regionFrames(t, withSubs, OutputWidth, 0, regionTop)
	ref, _ := regionFrames(t, plain, OutputWidth, 0, regionTop)
	for _, k := range []int{20, 70} {
		if n := drawn(top[k], ref[k]); n > 0 {
			t.Errorf("frame %d: %d pixels above the subtitle region differ", k, n)
		}
	}
}

// TestBurnedSubtitlesUseTheLessonFont runs the cut's own command with libass's log on: the font comes from
// the fonts folder, and every Korean glyph was found in it.
func TestBurnedSubtitlesUseTheLessonFont(t *testing.T) {
	fonts := lessonFonts(t)
	dir := t.TempDir()
	tl := lessonsubs.Timeline{Start: 0, Frames: 25, FrameRate: OutputFrameRate}
	lines := []lessonsubs.Line{{Start: 0, End: time.Second, Text: "Hello", Translation: "안녕하세요, 반가워요"}}
	subs := writeScript(t, lessonsubs.New(lines, tl, lessonsubs.Dual, lessonsubs.Landscape(OutputWidth, OutputHeight), fonts.Family),
		filepath.Join(dir, "hello.ass"), fonts)
	info, err := DefaultTools().Probe(testContext(t), fixtures.plainVideo)
	if err != nil {
		t.Fatal(err)
	}
	args, err := cutArgs(Clip{Src: fixtures.plainVideo, Dst: "unused", Start: 0, End: time.Second, Subtitles: subs}, info)
	if err != nil {
		t.Fatal(err)
	}
	command := args(filepath.Join(dir, "hello.mp4"))
	for i := range command {
		if command[i] == "-loglevel" {
			command[i+1] = "info"
		}
	}
	out, err := exec.Command("ffmpeg", command...).CombinedOutput()
	if err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, out)
	}
	log := string(out)
	if !strings.Contains(log, "Loading font file '"+fonts.Dir) {
		t.Errorf("libass did not load the fonts folder %s:\n%s", fonts.Dir, log)
	}
	if !strings.Contains(log, "fontselect: ("+fonts.Family+", 400, 0) -> ") {
		t.Errorf("libass did not select %q:\n%s", fonts.Family, log)
	}
	for _, bad := range []string{"failed to find any fallback", "Glyph", "not found"} {
		if strings.Contains(log, bad) {
			t.Errorf("libass reports %q:\n%s", bad, log)
		}
	}
}

// TestShortSubtitlesRepeatWithTheClip builds a short straight from a range of the plain video, twice in a
// row, with vertical subtitles: the cue is drawn in both repeats on the same frames, standing on the
// picture's bottom edge, and nowhere else in time.
func TestShortSubtitlesRepeatWithTheClip(t *testing.T) {
	tools := DefaultTools()
	fonts := lessonFonts(t)
	dir := t.TempDir()
	start, end := 5010*time.Millisecond, 7*time.Second
	tl := lessonsubs.Timeline{Start: start, Frames: FrameCount(end - start), FrameRate: OutputFrameRate, Repeat: 2}
	lines := []lessonsubs.Line{{Start: 5500 * time.Millisecond, End: 6200 * time.Millisecond, Text: "A kindred spirit?",
		Translation: "마음이 통하는 사람?", Highlight: "kindred spirit"}}
	layout := lessonsubs.Vertical(ShortWidth, ShortHeight, ShortPictureBottom)
	subs := writeScript(t, lessonsubs.New(lines, tl, lessonsubs.Dual, layout, fonts.Family), filepath.Join(dir, "short.ass"), fonts)

	spec := ShortSpec{Clip: fixtures.plainVideo, Start: start, End: end, Repeat: 2, Expression: "kindred spirit", Translation: "마음이 통하는 사람"}
	withSubs, plain := spec, spec
	withSubs.Dst, withSubs.Subtitles = filepath.Join(dir, "subtitled.mp4"), subs
	plain.Dst = filepath.Join(dir, "plain.mp4")
	for _, s := range []ShortSpec{withSubs, plain} {
		if err := tools.BuildShort(testContext(t), s); err != nil {
			t.Fatal(err)
		}
	}
	info, err := tools.Probe(testContext(t), withSubs.Dst)
	if err != nil {
		t.Fatal(err)
	}
	checkOutputLayout(t, info, ShortWidth, ShortHeight)

	// The subtitles occupy the lower part of the picture; look at the 300 rows above its bottom edge.
	y0, y1 := ShortPictureBottom-300, ShortPictureBottom
	got, times := regionFrames(t, withSubs.Dst, ShortWidth, y0, y1)
	want, _ := regionFrames(t, plain.Dst, ShortWidth, y0, y1)
	if len(got) != 2*tl.Frames || len(want) != len(got) {
		t.Fatalf("%d and %d frames, want 2 x %d", len(got), len(want), tl.Frames)
	}
	for k := range got {
		if times[k] != frameTime(k) {
			t.Fatalf("frame %d at %s, want %s", k, times[k], frameTime(k))
		}
		source := start + frameTime(k%tl.Frames)
		inCue := lines[0].Start <= source && source < lines[0].End
		n := drawn(got[k], want[k])
		if inCue && n < 300 {
			t.Errorf("frame %d (repeat %d, %s in the source) is in the cue but only %d pixels differ", k, k/tl.Frames+1, source, n)
		}
		if !inCue && n > 0 {
			t.Errorf("frame %d (repeat %d, %s in the source) is outside the cue but %d pixels differ", k, k/tl.Frames+1, source, n)
		}
		if inCue && len(goldRows(got[k], ShortWidth)) == 0 {
			t.Errorf("frame %d: the expression is not highlighted", k)
		}
	}
}

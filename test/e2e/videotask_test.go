//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"unicode"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/runner/manifest"
	"github.com/langflix/langflix-operator/runner/pipeline"
	"github.com/langflix/langflix-operator/test/testutil"
)

func videoTaskSpecs() {
	It("runs a VideoTask with the real runner: progress moves, it succeeds, and every file of its manifest plays", func(ctx SpecContext) {
		const name, output = "lesson", "lessons/lesson"
		progress := watchProgress(ctx, ns, name)
		task := testutil.MakeVideoTask(name, ns).
			Video(lessonVideo).Subtitles(lessonSubtitles).TranslationSubtitles(lessonKorean).
			MaxCount(2).Shorts(tasksv1.ShortsNone).Output(output).Obj()
		Expect(k8s.Create(ctx, task)).To(Succeed())

		st := waitUntilFinished(ctx, task, taskTimeout)
		points := progress.stop()
		GinkgoWriter.Printf("progress seen: %v\n", points)
		Expect(st.Phase).To(Equal(tasksv1.TaskSucceeded), describe(st))
		Expect(st.Attempts).To(Equal(int32(1)))
		Expect(len(points)).To(BeNumerically(">=", 3), "distinct (stage, percent) values while it ran: %v", points)

		Expect(st.Result).NotTo(BeNil())
		Expect(st.Result.Expressions).To(HaveValue(Equal(int32(2))))
		Expect(st.Result.Completeness).To(Equal(tasksv1.ResultComplete))
		Expect(st.Result.Manifest).To(Equal(output + "/manifest.json"))
		Expect(st.Result.Outputs).To(ContainElement(tasksv1.OutputCount{Kind: tasksv1.OutputVideos, Count: 2}))

		m, err := manifest.Read(filepath.Join(mediaDir, st.Result.Manifest))
		Expect(err).NotTo(HaveOccurred())
		Expect(m.Status).To(Equal(manifest.Complete))
		Expect(m.Expressions).To(HaveLen(2))
		for _, e := range m.Expressions {
			By("checking the outputs of " + e.Phrase)
			Expect(lessonIdioms).To(ContainElement(e.Phrase), "an expression said in the video")
			Expect(hasHangul(e.Translation)).To(BeTrue(), "Korean translation of %q: %q", e.Phrase, e.Translation)
			Expect(hasHangul(e.DialogueTranslation)).To(BeTrue(), "dialogue translation from %s: %q", lessonKorean, e.DialogueTranslation)
			dir := filepath.Join(mediaDir, output)
			// The expression clip keeps a little more than its cue, so no syllable is cut off.
			padding := 2 * pipeline.ClipPadding.Seconds()
			expectPlayableVideo(ctx, filepath.Join(dir, e.Files.ExpressionClip), e.End-e.Start+padding)
			expectPlayableVideo(ctx, filepath.Join(dir, e.Files.ContextClip), e.ContextEnd-e.ContextStart)
			expectPlayableVideo(ctx, filepath.Join(dir, e.Files.Video), 0)
			expectImage(ctx, filepath.Join(dir, e.Files.Slide))
		}
	})
}

// hasHangul reports whether s holds Korean letters.
func hasHangul(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Hangul, r) {
			return true
		}
	}
	return false
}

// probeResult is the part of ffprobe's answer the suite checks.
type probeResult struct {
	Streams []struct {
		CodecType string `json:"codec_type"`
		CodecName string `json:"codec_name"`
		Width     int    `json:"width"`
		Height    int    `json:"height"`
	} `json:"streams"`
	Format struct {
		Duration string `json:"duration"`
	} `json:"format"`
}

func ffprobe(ctx context.Context, path string) probeResult {
	GinkgoHelper()
	out, err := exec.CommandContext(ctx, "ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams", path).Output()
	Expect(err).NotTo(HaveOccurred(), "ffprobe %s", path)
	var p probeResult
	Expect(json.Unmarshal(out, &p)).To(Succeed())
	return p
}

// expectPlayableVideo checks that path is a video with a picture and sound that decodes from start to end
// without an error, and, when want > 0, lasts want seconds (within a frame or two of rounding).
func expectPlayableVideo(ctx context.Context, path string, want float64) {
	GinkgoHelper()
	Expect(path).To(BeAnExistingFile())
	p := ffprobe(ctx, path)
	var video, audio bool
	for _, s := range p.Streams {
		switch s.CodecType {
		case "video":
			video = s.Width > 0 && s.Height > 0
		case "audio":
			audio = true
		}
	}
	Expect(video).To(BeTrue(), "%s has a video stream with a size", path)
	Expect(audio).To(BeTrue(), "%s has an audio stream", path)
	duration, err := strconv.ParseFloat(p.Format.Duration, 64)
	Expect(err).NotTo(HaveOccurred(), "%s duration %q", path, p.Format.Duration)
	Expect(duration).To(BeNumerically(">", 0.5), path)
	if want > 0 {
		Expect(duration).To(BeNumerically("~", want, 0.25), "%s should last as long as its cue window", path)
	}
	// Playing is decoding every frame: -xerror turns any decoding error into a failure.
	out, err := exec.CommandContext(ctx, "ffmpeg", "-v", "error", "-xerror", "-i", path, "-f", "null", "-").CombinedOutput()
	Expect(err).NotTo(HaveOccurred(), "decoding %s: %s", path, out)
	Expect(string(out)).To(BeEmpty(), "decoding %s reported problems", path)
}

// expectImage checks that path is a PNG image (ffprobe) with a size.
func expectImage(ctx context.Context, path string) {
	GinkgoHelper()
	info, err := os.Stat(path)
	Expect(err).NotTo(HaveOccurred())
	Expect(info.Size()).To(BeNumerically(">", 0))
	p := ffprobe(ctx, path)
	Expect(p.Streams).To(HaveLen(1))
	Expect(p.Streams[0].CodecName).To(Equal("png"), path)
	Expect(p.Streams[0].Width).To(BeNumerically(">", 0), path)
}

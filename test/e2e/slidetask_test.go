//go:build e2e

package e2e

import (
	"image"
	"image/png"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/runner/manifest"
	"github.com/langflix/langflix-operator/test/testutil"
)

func slideTaskSpecs() {
	It("runs a SlideTask that renders its Korean slides as PNG files", func(ctx SpecContext) {
		const name, output = "korean-slides", "slides/korean"
		const width, height = 640, 360
		onceInABlueMoon := tasksv1.SlideContent{
			Title:               "오늘의 표현",
			Expression:          "once in a blue moon",
			Translation:         "아주 드물게, 가뭄에 콩 나듯",
			Dialogue:            "That only happens once in a blue moon.",
			DialogueTranslation: "그런 일은 아주 가끔 일어나요.",
			SimilarExpressions:  []string{"hardly ever", "rarely"},
			Notes:               "드물게 일어나는 일을 말할 때 써요.",
		}
		task := testutil.MakeSlideTask(name, ns).
			Content(nil).Slides(testutil.BreakTheIce(), onceInABlueMoon).
			Format(tasksv1.SlideFormatPNG).Size(width, height).Output(output).Obj()
		Expect(k8s.Create(ctx, task)).To(Succeed())

		st := waitUntilFinished(ctx, task, taskTimeout)
		Expect(st.Phase).To(Equal(tasksv1.TaskSucceeded), describe(st))
		Expect(st.Result).NotTo(BeNil())
		Expect(st.Result.Outputs).To(ContainElement(tasksv1.OutputCount{Kind: tasksv1.OutputSlides, Count: 2}))

		m, err := manifest.Read(filepath.Join(mediaDir, st.Result.Manifest))
		Expect(err).NotTo(HaveOccurred())
		Expect(m.Expressions).To(HaveLen(2))
		want := map[string]string{
			"break the ice":       testutil.BreakTheIce().Translation,
			"once in a blue moon": onceInABlueMoon.Translation,
		}
		for _, e := range m.Expressions {
			Expect(want).To(HaveKeyWithValue(e.Phrase, e.Translation))
			path := filepath.Join(mediaDir, output, e.Files.Slide)
			Expect(filepath.Ext(path)).To(Equal(".png"))
			img := decodePNG(path)
			Expect(img.Bounds().Size()).To(Equal(image.Pt(width, height)), path)
			// A slide with text on it has many colours (anti-aliased glyphs); an empty background has one or two.
			Expect(colours(img, 64)).To(BeNumerically(">=", 64), "%s looks blank", path)
		}
	})
}

func decodePNG(path string) image.Image {
	GinkgoHelper()
	f, err := os.Open(path)
	Expect(err).NotTo(HaveOccurred())
	defer f.Close()
	img, err := png.Decode(f)
	Expect(err).NotTo(HaveOccurred(), "decoding %s", path)
	return img
}

// colours counts the distinct colours of img, stopping at limit.
func colours(img image.Image, limit int) int {
	seen := map[[4]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			seen[[4]uint32{r, g, bl, a}] = true
			if len(seen) >= limit {
				return len(seen)
			}
		}
	}
	return len(seen)
}

package validation

import (
	"context"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tasksv1alpha1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/test/testutil"
)

// Messages of the API's CEL rules, copied from api/v1alpha1 on purpose: a reworded rule must show up here.
const (
	msgAbsolute       = "must be a path relative to the storage root (no leading '/') or a URL"
	msgDotDot         = "must not contain a '..' path segment"
	msgScheme         = "URLs must use the s3://, gs://, file:// or https:// scheme"
	msgSoftBeforeHard = "spec.timeLimits.softSeconds must not exceed spec.timeLimits.hardSeconds"
	msgBackoff        = "spec.retry.backoffBaseSeconds must not exceed spec.retry.backoffCapSeconds"
	msgLLMRequired    = "spec.expressions.llm is required when spec.expressions.extractor is LLM"
	msgLLMUnused      = "spec.expressions.llm is used only by the LLM extractor"
	msgAudioNeedsMP4  = "spec.audio needs spec.format MP4: still images have no sound"
	msgLLMEndpoint    = "expressions.llm.endpoint must be an https:// URL; http:// is accepted only for loopback hosts and cluster-local Service names"
	msgLLMUserinfo    = "expressions.llm.endpoint must not carry credentials"
	msgFileProc       = "file:// URLs must not point into /proc, /sys, /dev, /run or /var/run"
	msgFileDots       = "file:// URLs must not contain '.' or '..' segments or percent-encoding"
	msgOneOfContent   = "exactly one of spec.content and spec.slides must be set"
	msgCronFields     = "spec.schedule must have exactly 5 cron fields"
	msgCronCharacter  = "spec.schedule has a character that is not allowed in a cron field"
	msgTimeZone       = "spec.timeZone must be an IANA time zone name such as UTC or Asia/Seoul"
	msgTimeZoneLocal  = "spec.timeZone must not be Local"
	msgRelative       = "must be relative to the storage root (no leading '/')"
	msgInteger        = "must be of type integer"
)

// expectInvalid asserts that err is the API server's 422 Invalid, that its message names field and carries
// rule, and that one of its causes is exactly that field, so a message that merely mentions the field
// elsewhere does not pass.
func expectInvalid(err error, field, rule string) {
	GinkgoHelper()
	Expect(err).To(HaveOccurred(), "the API server accepted the object")
	Expect(apierrors.IsInvalid(err)).To(BeTrue(), "want 422 Invalid, got: %v", err)
	Expect(err.Error()).To(ContainSubstring(field), "the message does not name the field")
	Expect(err.Error()).To(ContainSubstring(rule), "the message does not carry the rule")

	status, ok := err.(apierrors.APIStatus)
	Expect(ok).To(BeTrue())
	var fields []string
	for _, cause := range status.Status().Details.Causes {
		fields = append(fields, cause.Field)
	}
	Expect(fields).To(ContainElement(field), "no cause is about %s", field)
}

var _ = Describe("Invalid manifests", func() {
	vt := func() *testutil.VideoTaskWrapper { return testutil.MakeVideoTask("invalid-video", "") }
	st := func() *testutil.SlideTaskWrapper { return testutil.MakeSlideTask("invalid-slides", "") }
	cp := func() *testutil.CleanupPolicyWrapper { return testutil.MakeCleanupPolicy("invalid-cleanup", "") }

	DescribeTable("are rejected by the API server with the field path and the rule",
		func(ctx context.Context, obj client.Object, field, rule string) {
			obj.SetNamespace(ns)
			expectInvalid(k8sClient.Create(ctx, obj), field, rule)
		},

		// The operator's queue and Kueue.
		Entry("VideoTask with a priority above 1000",
			vt().Priority(1001).Obj(), "spec.priority", "should be less than or equal to 1000"),
		Entry("VideoTask with a priority below -1000",
			vt().Priority(-1001).Obj(), "spec.priority", "should be greater than or equal to -1000"),
		Entry("VideoTask with a LocalQueue name that is no DNS label",
			vt().Queue("Team_Queue").Obj(), "spec.queueName", "should match"),

		// Paths must stay inside the storage volume.
		Entry("VideoTask with an absolute video path",
			vt().Video("/media/episode.mkv").Obj(), "spec.source.video", msgAbsolute),
		Entry("VideoTask with '..' in the video path",
			vt().Video("input/../../etc/episode.mkv").Obj(), "spec.source.video", msgDotDot),
		Entry("VideoTask with an absolute subtitles path",
			vt().Subtitles("/media/episode.srt").Obj(), "spec.source.subtitles", msgAbsolute),
		Entry("VideoTask with a leading '..' in the subtitles path",
			vt().Subtitles("../episode.srt").Obj(), "spec.source.subtitles", msgDotDot),
		Entry("VideoTask with an absolute output",
			vt().Output("/out").Obj(), "spec.output", msgAbsolute),
		Entry("VideoTask with a trailing '..' in the output",
			vt().Output("out/..").Obj(), "spec.output", msgDotDot),
		Entry("VideoTask with an ftp:// video URL",
			vt().Video("ftp://example.com/episode.mkv").Obj(), "spec.source.video", msgScheme),
		Entry("VideoTask with an http:// subtitles URL (only https is allowed)",
			vt().Subtitles("http://example.com/episode.srt").Obj(), "spec.source.subtitles", msgScheme),
		Entry("VideoTask with an ftp:// translation subtitles URL",
			vt().TranslationSubtitles("ftp://example.com/ko.srt").Obj(), "spec.source.translationSubtitles", msgScheme),

		// Time limits.
		Entry("VideoTask with soft longer than hard",
			vt().TimeLimits(2400, 1800).Obj(), "spec.timeLimits", msgSoftBeforeHard),
		Entry("VideoTask with hard longer than 24 hours",
			vt().TimeLimits(3600, 86401).Obj(), "spec.timeLimits.hardSeconds", "should be less than or equal to 86400"),
		// softSeconds is omitempty: a typed client drops a zero and the server fills in the default, so 0 is
		// sent as JSON.
		Entry("VideoTask with a zero soft limit",
			testutil.WithField(vt().Obj(), int64(0), "spec", "timeLimits", "softSeconds"),
			"spec.timeLimits.softSeconds", "should be greater than or equal to 1"),
		Entry("VideoTask with a soft limit written as a Go duration",
			testutil.WithField(vt().Obj(), "25m", "spec", "timeLimits", "softSeconds"), "spec.timeLimits.softSeconds", msgInteger),

		// Expressions.
		// A typed client omits a zero int32 (omitempty) and gets the default, so zero is sent as JSON.
		// ToUnstructured drops it too, so WithField really adds the key rather than keeping a 0 already there.
		Entry("VideoTask with maxCount 0",
			testutil.WithField(vt().Obj(), int64(0), "spec", "expressions", "maxCount"), "spec.expressions.maxCount", "should be greater than or equal to 1"),
		Entry("VideoTask with maxCount 51",
			vt().MaxCount(51).Obj(), "spec.expressions.maxCount", "should be less than or equal to 50"),
		Entry("VideoTask with an unknown level",
			vt().Level("expert").Obj(), "spec.expressions.level", `Unsupported value: "expert"`),
		Entry("VideoTask with a lower-case level (enums are CamelCase)",
			vt().Level("mixed").Obj(), "spec.expressions.level", `Unsupported value: "mixed"`),
		Entry("VideoTask with an llm block but the Dictionary extractor",
			vt().LLM("https://llm.internal/v1", "m").Extractor(tasksv1alpha1.ExtractorDictionary).Obj(), "spec.expressions", msgLLMUnused),
		Entry("VideoTask with an empty include phrase",
			vt().Include("break the ice", "").Obj(), "spec.expressions.include[1]", "should be at least 1 chars long"),
		Entry("VideoTask with render.shorts as a bool",
			testutil.WithField(vt().Obj(), true, "spec", "render", "shorts"), "spec.render.shorts", "must be of type string"),
		Entry("VideoTask with an unknown extractor",
			vt().Extractor("GPT").Obj(), "spec.expressions.extractor", `Unsupported value: "GPT"`),
		Entry("VideoTask with an unknown subtitle mode",
			vt().SubtitleModes("Both", "").Obj(), "spec.render.subtitles", `Unsupported value: "Both"`),
		Entry("VideoTask with a lower-case shorts subtitle mode",
			vt().SubtitleModes("", "dual").Obj(), "spec.render.shortsSubtitles", `Unsupported value: "dual"`),
		Entry("VideoTask with the LLM extractor but no llm",
			vt().Extractor(tasksv1alpha1.ExtractorLLM).Obj(), "spec.expressions", msgLLMRequired),
		Entry("VideoTask with an LLM endpoint that is not http(s)",
			vt().LLM("grpc://llm.internal:443", "gpt-4o-mini").Obj(), "spec.expressions.llm.endpoint", msgLLMEndpoint),
		Entry("VideoTask with an LLM endpoint without a scheme",
			vt().LLM("llm.internal:8080/v1", "gpt-4o-mini").Obj(), "spec.expressions.llm.endpoint", msgLLMEndpoint),
		Entry("VideoTask with a plain http:// LLM endpoint outside the cluster",
			vt().LLM("http://llm.example.com/v1", "gpt-4o-mini").Obj(), "spec.expressions.llm.endpoint", msgLLMEndpoint),
		Entry("VideoTask with a plain http:// LLM endpoint on an IP address",
			vt().LLM("http://10.0.0.8:8000/v1", "gpt-4o-mini").Obj(), "spec.expressions.llm.endpoint", msgLLMEndpoint),
		Entry("VideoTask with credentials in the LLM endpoint",
			vt().LLM("https://user:secret@llm.example.com/v1", "gpt-4o-mini").Obj(), "spec.expressions.llm.endpoint", msgLLMUserinfo),
		Entry("VideoTask reading the runner's environment through file://",
			vt().Subtitles("file:///proc/self/environ").Obj(), "spec.source.subtitles", msgFileProc),
		Entry("VideoTask reading the ServiceAccount token through file://",
			vt().Video("file:///var/run/secrets/kubernetes.io/serviceaccount/token").Obj(), "spec.source.video", msgFileProc),
		Entry("VideoTask with a file:// URL that climbs out with ..",
			vt().TranslationSubtitles("file:///media/../proc/1/environ").Obj(), "spec.source.translationSubtitles", msgFileDots),
		Entry("VideoTask with a percent-encoded file:// URL",
			vt().Subtitles("file:///%70roc/self/environ").Obj(), "spec.source.subtitles", msgFileDots),
		Entry("VideoTask with the LLM extractor and no model",
			testutil.WithField(vt().Extractor(tasksv1alpha1.ExtractorLLM).LLM("https://llm.internal/v1", "m").Obj(), nil,
				"spec", "expressions", "llm", "model"), "spec.expressions.llm.model", "Required value"),
		Entry("VideoTask with a target language that is not an ISO 639 code",
			vt().TargetLanguage("Korean").Obj(), "spec.targetLanguage", "should match"),

		// Retry.
		Entry("VideoTask with backoffBase above backoffCap",
			vt().Backoff(1200, 600).Obj(), "spec.retry", msgBackoff),
		Entry("VideoTask with negative maxRetries",
			vt().Retries(-1).Obj(), "spec.retry.maxRetries", "should be greater than or equal to 0"),
		Entry("VideoTask without storage",
			testutil.WithField(vt().Obj(), nil, "spec", "storage"), "spec.storage", "Required value"),

		// SlideTask.
		Entry("SlideTask with both content and slides",
			st().Slides(testutil.BreakTheIce()).Obj(), "spec", msgOneOfContent),
		Entry("SlideTask with neither content nor slides",
			st().Content(nil).Obj(), "spec", msgOneOfContent),
		Entry("SlideTask with an unknown format",
			st().Format("gif").Obj(), "spec.format", `Unsupported value: "gif"`),
		Entry("SlideTask with an odd width",
			st().Size(1281, 720).Obj(), "spec.size.width", msgEven),
		Entry("SlideTask narrower than 320 pixels",
			st().Size(100, 720).Obj(), "spec.size.width", "should be greater than or equal to 320"),
		Entry("SlideTask with an absolute output",
			st().Output("/slides").Obj(), "spec.output", msgAbsolute),
		Entry("SlideTask with soft longer than hard",
			st().TimeLimits(600, 300).Obj(), "spec.timeLimits", msgSoftBeforeHard),
		Entry("SlideTask with audio on still images",
			st().Audio(tasksv1alpha1.SlideAudioExpression).Obj(), "spec.audio", msgAudioNeedsMP4),
		Entry("SlideTask with a lower-case format",
			st().Format("mp4").Obj(), "spec.format", `Unsupported value: "mp4"`),

		// CleanupPolicy.
		Entry("CleanupPolicy keeping 0 days",
			testutil.WithField(cp().Obj(), int64(0), "spec", "retentionDays"), "spec.retentionDays", "should be greater than or equal to 1"),
		Entry("CleanupPolicy with a 4-field schedule",
			cp().Schedule("0 2 * *").Obj(), "spec.schedule", msgCronFields),
		Entry("CleanupPolicy with a 6-field schedule (seconds)",
			cp().Schedule("0 0 2 * * *").Obj(), "spec.schedule", msgCronFields),
		Entry("CleanupPolicy with a shell character in the schedule",
			cp().Schedule("0 2 * * $(id)").Obj(), "spec.schedule", msgCronCharacter),
		Entry("CleanupPolicy with a time zone that has spaces",
			cp().TimeZone("Not A Zone").Obj(), "spec.timeZone", msgTimeZone),
		Entry("CleanupPolicy in the controller's Local zone",
			cp().TimeZone("Local").Obj(), "spec.timeZone", msgTimeZoneLocal),
		Entry("CleanupPolicy with '..' in paths",
			cp().Paths("output", "output/../..").Obj(), "spec.paths[1]", msgDotDot),
		Entry("CleanupPolicy with an absolute path",
			cp().Paths("/var/lib").Obj(), "spec.paths[0]", msgRelative),
		Entry("CleanupPolicy with an unknown mode",
			cp().Mode("Archive").Obj(), "spec.mode", `Unsupported value: "Archive"`),
	)
})

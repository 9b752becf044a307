package controllers

import (
	"encoding/json"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// runnerInvocation returns the runner's arguments and the task-specific environment for a task. The flag
// names are the runner's command-line contract (runner/cli).
func runnerInvocation(task tasksv1.Task) ([]string, []corev1.EnvVar) {
	switch t := task.(type) {
	case *tasksv1.VideoTask:
		return videoArgs(t), videoEnv(t)
	case *tasksv1.SlideTask:
		return slideArgs(t), slideEnv(t)
	}
	return nil, nil
}

func videoArgs(t *tasksv1.VideoTask) []string {
	s := t.Spec
	args := []string{"video",
		"--storage-root=" + storageMountPath,
		"--video=" + string(s.Source.Video),
		"--out=" + defaultOutput(t),
		"--language=" + s.Source.Language,
		"--target-language=" + s.TargetLanguage,
		"--max-expressions=" + strconv.Itoa(int(s.Expressions.MaxCount)),
		"--level=" + string(s.Expressions.Level),
		"--extractor=" + strings.ToLower(string(s.Expressions.Extractor)),
		"--educational-video=" + boolFlag(s.Render.EducationalVideo, true),
		"--combined=" + boolFlag(s.Render.CombinedVideo, false),
		"--shorts=" + boolFlag(s.Render.Shorts, false),
		"--slides=" + boolFlag(s.Render.Slides, true),
		"--repeat=" + strconv.Itoa(int(max(s.Render.RepeatCount, 1))),
		"--subtitle-mode=" + subtitleMode(s.Render.Subtitles),
		"--shorts-subtitle-mode=" + subtitleMode(s.Render.ShortsSubtitles),
		"--progress=kubernetes",
	}
	if s.Source.Subtitles != "" {
		args = append(args, "--subtitles="+string(s.Source.Subtitles))
	}
	if s.Source.TranslationSubtitles != "" {
		args = append(args, "--translation-subtitles="+string(s.Source.TranslationSubtitles))
	}
	for _, inc := range s.Expressions.Include {
		args = append(args, "--include="+inc)
	}
	if llm := s.Expressions.LLM; llm != nil && s.Expressions.Extractor == tasksv1.ExtractorLLM {
		args = append(args, "--llm-endpoint="+llm.Endpoint)
		if llm.Model != "" {
			args = append(args, "--llm-model="+llm.Model)
		}
	}
	return args
}

// videoEnv passes the LLM API key by reference to its Secret: the key itself never appears in the Job.
func videoEnv(t *tasksv1.VideoTask) []corev1.EnvVar {
	llm := t.Spec.Expressions.LLM
	if llm == nil || llm.APIKeySecretRef == nil || t.Spec.Expressions.Extractor != tasksv1.ExtractorLLM {
		return nil
	}
	return []corev1.EnvVar{{
		Name: "LANGFLIX_LLM_API_KEY",
		ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: llm.APIKeySecretRef.Name},
			Key:                  llm.APIKeySecretRef.Key,
		}},
	}}
}

func slideArgs(t *tasksv1.SlideTask) []string {
	s := t.Spec
	args := []string{"slides",
		"--storage-root=" + storageMountPath,
		"--out=" + defaultOutput(t),
		"--format=" + string(s.Format),
		"--width=" + strconv.Itoa(int(s.Size.Width)),
		"--height=" + strconv.Itoa(int(s.Size.Height)),
		"--duration=" + strconv.Itoa(int(s.DurationSeconds)) + "s",
		"--progress=kubernetes",
	}
	if s.Audio {
		args = append(args, "--audio")
	}
	return args
}

// slideEnv carries the slide content as JSON in an environment variable rather than in arguments, so that
// Korean text and quotes need no escaping and `ps` output stays readable.
func slideEnv(t *tasksv1.SlideTask) []corev1.EnvVar {
	var content any = t.Spec.Slides
	if t.Spec.Content != nil {
		content = t.Spec.Content
	}
	// SlideContent holds only strings and string lists, so Marshal cannot fail on it.
	data, _ := json.Marshal(content)
	return []corev1.EnvVar{{Name: "LANGFLIX_SLIDE_CONTENT", Value: string(data)}}
}

// subtitleMode is the runner's spelling of a mode; unset (an object that bypassed defaulting) is the
// API's default, Dual.
func subtitleMode(m tasksv1.SubtitleMode) string {
	if m == "" {
		m = tasksv1.SubtitleDual
	}
	return strings.ToLower(string(m))
}

func boolFlag(v *bool, def bool) string {
	if v == nil {
		return strconv.FormatBool(def)
	}
	return strconv.FormatBool(*v)
}

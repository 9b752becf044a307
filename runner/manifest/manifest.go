// Package manifest describes what a runner task produced: manifest.json next to the outputs (the full
// record) and the termination message (the compact summary the operator reads from the pod status).
package manifest

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/langflix/langflix-operator/runner/fsutil"
)

// FileName is the manifest's name inside the output folder.
const FileName = "manifest.json"

// Status says whether every planned output was produced.
type Status string

const (
	// Complete means every expression has all its requested outputs.
	Complete Status = "complete"
	// Partial means the run stopped early (soft time limit, termination); the manifest lists the
	// expressions that were finished.
	Partial Status = "partial"
)

// Manifest is the content of manifest.json.
type Manifest struct {
	RunnerVersion string       `json:"runnerVersion"`
	Command       string       `json:"command"`
	Task          *Task        `json:"task,omitempty"`
	Inputs        Inputs       `json:"inputs"`
	Options       Options      `json:"options"`
	Expressions   []Expression `json:"expressions"`
	// Combined is the combined educational video, relative to the output folder, when one was made, and
	// CombinedSubtitles the subtitle mode burned into it (SubtitleModes).
	Combined          string `json:"combined,omitempty"`
	CombinedSubtitles string `json:"combinedSubtitles,omitempty"`
	// ReusedFrom is the output folder (relative to the storage root) of the identical earlier run whose
	// outputs this run linked instead of producing them (reason CacheHit).
	ReusedFrom string        `json:"reusedFrom,omitempty"`
	Stages     []StageTiming `json:"stages"`
	Status     Status        `json:"status"`
	Reason     string        `json:"reason,omitempty"`
	Message    string        `json:"message,omitempty"`
	StartedAt  time.Time     `json:"startedAt"`
	FinishedAt time.Time     `json:"finishedAt"`
}

// Task identifies the Kubernetes task the run belongs to (from the environment the operator sets).
type Task struct {
	Kind      string `json:"kind,omitempty"`
	Name      string `json:"name,omitempty"`
	Namespace string `json:"namespace,omitempty"`
}

// Inputs are the files the run read.
type Inputs struct {
	Video                *Input `json:"video,omitempty"`
	Subtitles            *Input `json:"subtitles,omitempty"`
	TranslationSubtitles *Input `json:"translationSubtitles,omitempty"`
}

// Input is one input file. Path is the reference as given (a path or a URL); Size and SHA256 describe
// the bytes the run used.
type Input struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
	// Duration in seconds, for media inputs.
	Duration float64 `json:"duration,omitempty"`
	// Embedded is set when subtitles were extracted from the video instead of read from a file.
	Embedded bool `json:"embedded,omitempty"`
	// Subtitle details, for subtitle inputs.
	Format   string `json:"format,omitempty"`
	Encoding string `json:"encoding,omitempty"`
	Cues     int    `json:"cues,omitempty"`
}

// Options are the settings that shaped the outputs, so a manifest explains itself. The video command
// fills the first group, the slides command the last.
type Options struct {
	Language         string   `json:"language,omitempty"`
	TargetLanguage   string   `json:"targetLanguage,omitempty"`
	MaxExpressions   int      `json:"maxExpressions,omitempty"`
	Level            string   `json:"level,omitempty"`
	Include          []string `json:"include,omitempty"`
	Extractor        string   `json:"extractor,omitempty"`
	LLMModel         string   `json:"llmModel,omitempty"`
	EducationalVideo bool     `json:"educationalVideo"`
	Shorts           bool     `json:"shorts"`
	Slides           bool     `json:"slides"`
	Combined         bool     `json:"combined"`
	Repeat           int      `json:"repeat,omitempty"`
	SoftTimeLimit    string   `json:"softTimeLimit,omitempty"`
	Font             string   `json:"font,omitempty"`
	// Subtitles and ShortsSubtitles are the subtitle modes asked for clips and lesson videos, and for
	// shorts: "dual", "original" or "none".
	Subtitles       string `json:"subtitles,omitempty"`
	ShortsSubtitles string `json:"shortsSubtitles,omitempty"`
	// Cached is set when the expressions came from the cache instead of the extractor.
	Cached bool `json:"cached,omitempty"`
	// Slides command options.
	Format        string  `json:"format,omitempty"`
	Width         int     `json:"width,omitempty"`
	Height        int     `json:"height,omitempty"`
	SlideDuration float64 `json:"slideDuration,omitempty"`
	Audio         bool    `json:"audio,omitempty"`
}

// Expression is one expression with everything known about it. Times are seconds from the start of the
// video; Files are relative to the output folder.
type Expression struct {
	Index               int      `json:"index"`
	Phrase              string   `json:"phrase"`
	Matched             string   `json:"matched"`
	Translation         string   `json:"translation"`
	Meaning             string   `json:"meaning"`
	Level               string   `json:"level"`
	Kind                string   `json:"kind"`
	Dialogue            string   `json:"dialogue"`
	DialogueTranslation string   `json:"dialogueTranslation"`
	CueIndex            int      `json:"cueIndex"`
	Start               float64  `json:"start"`
	End                 float64  `json:"end"`
	ContextStart        float64  `json:"contextStart"`
	ContextEnd          float64  `json:"contextEnd"`
	Similar             []string `json:"similar"`
	Source              string   `json:"source"`
	Files               Files    `json:"files"`
	// Subtitles says which subtitles are burned into each of Files; nil for the slides command.
	Subtitles *SubtitleModes `json:"subtitles,omitempty"`
	// Title and Examples come from slide content (slides command).
	Title    string   `json:"title,omitempty"`
	Examples []string `json:"examples,omitempty"`
}

// Files are an expression's outputs; empty when that output was not requested.
type Files struct {
	ContextClip    string `json:"contextClip,omitempty"`
	ExpressionClip string `json:"expressionClip,omitempty"`
	Slide          string `json:"slide,omitempty"`
	Video          string `json:"video,omitempty"`
	Short          string `json:"short,omitempty"`
}

// SubtitleModes says which subtitles each video of Files has burned in: "dual" (each dialogue line and,
// below it, its translation when one is known), "original" (the dialogue only) or "none". A file that was
// not produced has no mode.
type SubtitleModes struct {
	ContextClip    string `json:"contextClip,omitempty"`
	ExpressionClip string `json:"expressionClip,omitempty"`
	Video          string `json:"video,omitempty"`
	Short          string `json:"short,omitempty"`
}

// StageTiming is how long one stage took.
type StageTiming struct {
	Name       string `json:"name"`
	DurationMS int64  `json:"durationMs"`
}

// Seconds converts a duration to the manifest's float seconds, rounded to the millisecond.
func Seconds(d time.Duration) float64 {
	return float64(d.Round(time.Millisecond).Milliseconds()) / 1000
}

// Write stores m as indented JSON at path, atomically: a reader never sees half a manifest.
func Write(path string, m *Manifest) error {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("encode manifest: %w", err)
	}
	return fsutil.WriteFileAtomic(path, append(data, '\n'), 0o644)
}

// Read loads a manifest written by Write.
func Read(path string) (*Manifest, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("decode manifest %s: %w", path, err)
	}
	return &m, nil
}

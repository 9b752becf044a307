package pipeline

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/langflix/langflix-operator/runner/failure"
	"github.com/langflix/langflix-operator/runner/manifest"
)

// finish classifies how the run ended, keeps the finished expressions, writes the manifest and
// publishes the outputs.
func (r *videoRun) finish(runErr error) (*Result, error) {
	err := r.d.classify(runErr)
	if err == nil && r.reused != nil {
		return r.finishReused()
	}
	if r.release != nil {
		defer r.release()
	}
	res := &Result{}
	if r.m == nil || !r.worthAManifest(err) {
		r.discard(r.items)
		return res, err
	}
	r.rep.Stage(StageManifest, 1)
	kept, dropped := r.partition()
	r.discard(dropped)
	r.m.Expressions = make([]manifest.Expression, 0, len(kept))
	for _, it := range kept {
		entry := it.manifestEntry()
		entry.Subtitles = r.subtitleModes(entry.Files)
		r.m.Expressions = append(r.m.Expressions, entry)
	}
	if r.m.Combined == "" || err != nil {
		r.removeCombined()
	}
	r.m.Status = manifest.Complete
	if err != nil {
		r.m.Status, r.m.Reason, r.m.Message = manifest.Partial, string(failure.ReasonOf(err)), err.Error()
	}
	r.m.FinishedAt = time.Now().UTC()
	if werr := manifest.Write(filepath.Join(r.outDir, manifest.FileName), r.m); werr != nil {
		return res, errors.Join(err, werr)
	}
	res.Manifest, res.ManifestRef, res.Outputs = r.m, manifestRef(r.cfg.Out, manifest.FileName), countOutputs(r.m.Expressions)
	if r.m.Combined != "" {
		res.Outputs.Videos++
	}
	r.rep.Step(1, "manifest written")
	if !r.d.Terminated() {
		if perr := r.loc.publish(r.d.Hard(), r.outDir, r.cfg.Out); perr != nil {
			return res, errors.Join(err, fmt.Errorf("publish outputs: %w", perr))
		}
	}
	if err == nil && r.m.Status == manifest.Complete {
		r.recordResult(r.d.Hard())
	}
	return res, err
}

// worthAManifest: a run that failed on bad input or an internal error before finishing anything has
// nothing to record; one stopped by the soft limit or a signal records what it finished, even nothing.
func (r *videoRun) worthAManifest(err error) bool {
	switch failure.ReasonOf(err) {
	case failure.SoftTimeLimitExceeded, failure.Terminated:
		return true
	}
	if err == nil {
		return true
	}
	kept, _ := r.partition()
	return len(kept) > 0
}

// partition splits the expressions into finished ones and the rest.
func (r *videoRun) partition() (kept, dropped []*item) {
	for _, it := range r.items {
		if it.finished {
			kept = append(kept, it)
		} else {
			dropped = append(dropped, it)
		}
	}
	return kept, dropped
}

// discard removes the outputs of expressions that did not finish, so the output folder holds exactly
// what the manifest lists.
func (r *videoRun) discard(items []*item) {
	for _, it := range items {
		for _, f := range []string{it.files.ContextClip, it.files.ExpressionClip, it.files.Slide, it.files.Video, it.files.Short} {
			if f == "" {
				continue
			}
			if err := os.Remove(filepath.Join(r.outDir, f)); err != nil && !errors.Is(err, os.ErrNotExist) {
				r.log.Warn("could not remove output of an unfinished expression", "file", f, "error", err)
			}
		}
		it.files = manifest.Files{}
	}
}

func (r *videoRun) removeCombined() {
	if r.outDir == "" || r.m.Combined == "" {
		return
	}
	_ = os.Remove(filepath.Join(r.outDir, r.m.Combined))
	r.m.Combined, r.m.CombinedSubtitles = "", ""
}

// markFinished records that it has every requested output.
func (r *videoRun) markFinished(it *item) {
	if it.finished || it.files.ContextClip == "" || it.files.ExpressionClip == "" ||
		(r.cfg.Slides && it.files.Slide == "") || (r.cfg.EducationalVideo && it.files.Video == "") ||
		(r.cfg.Shorts && it.files.Short == "") {
		return
	}
	it.finished = true
	r.log.Info("expression finished", "n", it.n, "phrase", it.expr.Phrase)
	if r.cfg.OnExpressionFinished != nil {
		r.cfg.OnExpressionFinished(it.n)
	}
}

func (it *item) manifestEntry() manifest.Expression {
	e := it.expr
	similar := e.Similar
	if similar == nil {
		similar = []string{}
	}
	return manifest.Expression{
		Index:               it.n,
		Phrase:              e.Phrase,
		Matched:             e.Matched,
		Translation:         e.Translation,
		Meaning:             e.Meaning,
		Level:               string(e.Level),
		Kind:                e.Kind,
		Dialogue:            e.Dialogue,
		DialogueTranslation: it.dialogueTranslation,
		CueIndex:            e.CueIndex,
		Start:               manifest.Seconds(e.Start),
		End:                 manifest.Seconds(e.End),
		ContextStart:        manifest.Seconds(e.ContextStart),
		ContextEnd:          manifest.Seconds(e.ContextEnd),
		Similar:             similar,
		Source:              e.Source,
		Files:               it.files,
	}
}

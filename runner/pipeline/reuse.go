package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/langflix/langflix-operator/runner/cache"
	"github.com/langflix/langflix-operator/runner/fsutil"
	"github.com/langflix/langflix-operator/runner/manifest"
	"github.com/langflix/langflix-operator/runner/storage"
)

// Work done once: a complete run records its result in the cache under a content-addressed key (the input
// files' SHA-256, every option that shapes the outputs, the runner version and the storage volume). A later
// run with the same key, after hashing its inputs (probe and subtitles), finds the record, checks that each
// recorded output is still there with the recorded size and SHA-256, hard-links them into its own output
// folder (copies them where a link is not possible), writes its own manifest and ends with reason CacheHit:
// no expression is searched, no clip cut, nothing encoded. Outputs are never changed after their run, so two
// names for one file are safe; a CleanupPolicy that removes either name leaves the other intact. A record
// whose outputs were removed or changed, a cache that is down, an entry that cannot be read: all are misses,
// and the run does the work.

// resultTTL is how long a complete result's record stays in the cache.
const resultTTL = 30 * 24 * time.Hour

// resultEntry is the cache's record of a complete run.
type resultEntry struct {
	// Dir is the run's output folder, relative to the storage root.
	Dir string `json:"dir"`
	// Files are its outputs and manifest.json, relative to Dir.
	Files []resultFile `json:"files"`
}

type resultFile struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// reuseEnabled says whether results may be recorded and reused: with a cache, a storage volume the operator
// vouches is the same wherever it is mounted, and outputs on it (not a bucket).
func reuseEnabled(cfg VideoConfig) bool {
	return cache.Enabled(cfg.Cache) && cfg.StorageID != "" && cfg.StorageRoot != "" && !storage.IsURL(cfg.Out)
}

// computeResultKey is the content-addressed key of this run's complete result.
func (r *videoRun) computeResultKey(ctx context.Context) (string, error) {
	translation := ""
	if r.cfg.TranslationSubtitles != "" {
		path, err := r.loc.input(ctx, "translation subtitle file", r.cfg.TranslationSubtitles)
		if err != nil {
			return "", err
		}
		if _, translation, err = fileDigest(ctx, path); err != nil {
			return "", err
		}
	}
	o, c := r.cfg.Expressions, r.cfg
	target := o.TargetLanguage
	if target == "" {
		target = c.TargetLanguage
	}
	outputs := fmt.Sprintf("educational=%t combined=%t shorts=%t slides=%t repeat=%d subtitles=%s shortsSubtitles=%s",
		c.EducationalVideo, c.Combined, c.Shorts, c.Slides, c.Repeat, c.SubtitleMode, c.ShortsSubtitleMode)
	return cache.Scoped(c.CacheScope, cache.Key("result", "v1", c.Version, c.StorageID,
		r.m.Inputs.Video.SHA256, r.subDigest, strconv.FormatBool(r.m.Inputs.Subtitles.Embedded), translation,
		c.ExtractorName, c.ExtractorEndpoint, c.ExtractorModel, c.Language, target, o.Level,
		strconv.Itoa(o.MaxCount), strings.Join(o.Include, "\x1f"), o.MinContext.String(), o.MaxContext.String(),
		outputs, c.FontPath)), nil
}

// stageReuse looks for an identical earlier run's complete result and, when it is usable, serves this run
// from it: r.reused is set and the remaining stages are skipped.
func (r *videoRun) stageReuse() error {
	ctx := r.d.Soft()
	r.rep.Stage(StageReuse, 1)
	key, err := r.computeResultKey(ctx)
	if err != nil {
		return err
	}
	r.resultKey = key
	var entry resultEntry
	hit, err := r.cfg.Cache.Get(ctx, key, &entry)
	switch {
	case err != nil:
		// The cache saves work; without it the run is slower, not wrong.
		r.log.Warn("result cache unavailable", "error", err)
		r.rep.Step(1, "result cache unavailable: doing the work")
		return nil
	case !hit:
		r.rep.Step(1, "no identical earlier run: doing the work")
		return nil
	}
	m, err := r.serveFrom(ctx, entry)
	if err != nil {
		r.log.Warn("cached result not usable: doing the work", "from", entry.Dir, "error", err)
		r.rep.Step(1, "cached result not usable: doing the work")
		return nil
	}
	r.reused, r.reusedFrom = m, entry.Dir
	r.log.Info("served from an identical earlier run", "from", entry.Dir, "files", len(entry.Files))
	r.rep.Step(1, fmt.Sprintf("linked %d outputs of the identical run in %s", len(entry.Files)-1, entry.Dir))
	return nil
}

// serveFrom checks a recorded result's files and links them into this run's output folder. It returns the
// recorded manifest, not yet rewritten for this run.
func (r *videoRun) serveFrom(ctx context.Context, entry resultEntry) (*manifest.Manifest, error) {
	if !filepath.IsLocal(entry.Dir) {
		return nil, fmt.Errorf("recorded folder %q is not inside the storage", entry.Dir)
	}
	srcDir := filepath.Join(r.cfg.StorageRoot, entry.Dir)
	hasManifest := false
	for _, f := range entry.Files {
		if !filepath.IsLocal(f.Path) {
			return nil, fmt.Errorf("recorded file %q is not inside its folder", f.Path)
		}
		if err := checkFile(ctx, filepath.Join(srcDir, f.Path), f); err != nil {
			return nil, err
		}
		hasManifest = hasManifest || f.Path == manifest.FileName
	}
	if !hasManifest {
		return nil, errors.New("the record has no manifest")
	}
	m, err := manifest.Read(filepath.Join(srcDir, manifest.FileName))
	if err != nil {
		return nil, err
	}
	if m.Status != manifest.Complete {
		return nil, fmt.Errorf("the recorded run is %s, not complete", m.Status)
	}
	if same, err := sameDir(srcDir, r.outDir); err != nil || same {
		// A task that writes into the very folder of the recorded run finds its outputs in place.
		return m, err
	}
	for _, f := range entry.Files {
		if f.Path == manifest.FileName {
			continue
		}
		if err := linkOrCopy(filepath.Join(srcDir, f.Path), filepath.Join(r.outDir, f.Path)); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// checkFile verifies that p is a regular file (not a link to elsewhere) with the recorded size and SHA-256.
func checkFile(ctx context.Context, p string, want resultFile) error {
	info, err := os.Lstat(p)
	if err != nil {
		return err
	}
	if !info.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", p)
	}
	if info.Size() != want.Size {
		return fmt.Errorf("%s has %d bytes, the record says %d", p, info.Size(), want.Size)
	}
	_, sum, err := fileDigest(ctx, p)
	if err != nil {
		return err
	}
	if sum != want.SHA256 {
		return fmt.Errorf("%s changed since it was recorded", p)
	}
	return nil
}

func sameDir(a, b string) (bool, error) {
	ia, err := os.Stat(a)
	if err != nil {
		return false, err
	}
	ib, err := os.Stat(b)
	if err != nil {
		return false, err
	}
	return os.SameFile(ia, ib), nil
}

// linkOrCopy puts src at dst, replacing what is there: a hard link when the file system allows one, a
// copy otherwise. Either way dst appears at once, complete (a temporary name, then a rename).
func linkOrCopy(src, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return fmt.Errorf("create folder for %s: %w", dst, err)
	}
	tmp := fsutil.TempPath(dst)
	_ = os.Remove(tmp)
	if err := os.Link(src, tmp); err != nil {
		if err := copyFile(src, tmp); err != nil {
			_ = os.Remove(tmp)
			return err
		}
	}
	if err := fsutil.Commit(tmp, dst); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		_ = out.Close()
		return fmt.Errorf("copy %s: %w", src, err)
	}
	return out.Close()
}

// finishReused writes this run's manifest (the recorded run's, with this task, times and where it came
// from) and reports the outputs.
func (r *videoRun) finishReused() (*Result, error) {
	if r.release != nil {
		defer r.release()
	}
	m := r.reused
	m.Task, m.StartedAt, m.FinishedAt = r.cfg.Task, r.m.StartedAt, time.Now().UTC()
	m.Stages = r.m.Stages
	m.ReusedFrom = r.reusedFrom
	r.rep.Stage(StageManifest, 1)
	if err := manifest.Write(filepath.Join(r.outDir, manifest.FileName), m); err != nil {
		return &Result{}, err
	}
	res := &Result{Manifest: m, ManifestRef: manifestRef(r.cfg.Out, manifest.FileName), Outputs: countOutputs(m.Expressions), Reused: true}
	if m.Combined != "" {
		res.Outputs.Videos++
	}
	r.rep.Step(1, "manifest written")
	return res, nil
}

// recordResult records a complete run in the cache for later identical runs. Failing to is never an error
// of the run: the next identical run only does the work again.
func (r *videoRun) recordResult(ctx context.Context) {
	if r.resultKey == "" {
		return
	}
	paths := []string{manifest.FileName}
	if r.m.Combined != "" {
		paths = append(paths, r.m.Combined)
	}
	for _, e := range r.m.Expressions {
		for _, f := range []string{e.Files.ContextClip, e.Files.ExpressionClip, e.Files.Slide, e.Files.Video, e.Files.Short} {
			if f != "" {
				paths = append(paths, f)
			}
		}
	}
	entry := resultEntry{Dir: filepath.Clean(r.cfg.Out)}
	for _, p := range paths {
		size, sum, err := fileDigest(ctx, filepath.Join(r.outDir, p))
		if err != nil {
			r.log.Warn("result not recorded", "error", err)
			return
		}
		entry.Files = append(entry.Files, resultFile{Path: p, Size: size, SHA256: sum})
	}
	if err := r.cfg.Cache.Set(ctx, r.resultKey, entry, resultTTL); err != nil {
		r.log.Warn("result not recorded", "error", err)
		return
	}
	r.log.Info("result recorded for identical runs", "files", len(entry.Files))
}

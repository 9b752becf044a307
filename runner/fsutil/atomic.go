// Package fsutil holds the file-system helpers every runner stage shares: outputs are written under a
// temporary name in their final folder and renamed when complete, so a reader (a user, the cleanup job, a
// resumed attempt) never sees half a file.
package fsutil

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// partialMarker is part of every temporary name; cleanup and tests recognise leftovers by it.
const partialMarker = ".partial"

// TempPath returns a temporary name for dst in dst's folder. It keeps dst's extension last, because ffmpeg
// picks the container format from the extension.
func TempPath(dst string) string {
	dir, base := filepath.Split(dst)
	ext := filepath.Ext(base)
	return filepath.Join(dir, "."+strings.TrimSuffix(base, ext)+partialMarker+ext)
}

// IsTemp reports whether name was made by TempPath.
func IsTemp(name string) bool {
	base := filepath.Base(name)
	return strings.HasPrefix(base, ".") && strings.Contains(base, partialMarker)
}

// Commit moves a finished temporary file into place.
func Commit(tmp, dst string) error {
	if err := os.Rename(tmp, dst); err != nil {
		return fmt.Errorf("commit %s: %w", dst, err)
	}
	return nil
}

// WriteFileAtomic writes data to dst through a temporary file and a rename.
func WriteFileAtomic(dst string, data []byte, perm os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return fmt.Errorf("create folder for %s: %w", dst, err)
	}
	tmp := TempPath(dst)
	if err := os.WriteFile(tmp, data, perm); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("write %s: %w", tmp, err)
	}
	if err := Commit(tmp, dst); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	return nil
}

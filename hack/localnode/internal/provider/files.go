package provider

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Limits the kubelet applies to termination messages.
const (
	maxTerminationMessageBytes = 4096
	fallbackLogLines           = 80
	fallbackLogBytes           = 2048
)

// writeFileAtomic writes data to dir/rel (creating parent directories) through a temporary file and a
// rename, so a process reading a projected file never sees it half written.
func writeFileAtomic(dir, rel string, data []byte, mode os.FileMode) error {
	target, err := safeJoin(dir, rel)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(target), ".tmp-"+filepath.Base(target)+"-")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), target)
}

// safeJoin joins a relative path from a pod spec (a subPath or a projected item path) to dir and refuses
// paths that would leave dir.
func safeJoin(dir, rel string) (string, error) {
	if filepath.IsAbs(rel) {
		return "", fmt.Errorf("path %q must be relative", rel)
	}
	joined := filepath.Join(dir, rel)
	if joined != filepath.Clean(dir) && !strings.HasPrefix(joined, filepath.Clean(dir)+string(filepath.Separator)) {
		return "", fmt.Errorf("path %q leaves its volume", rel)
	}
	return joined, nil
}

// readTerminationMessage returns what the kubelet would report as a container's termination message: the
// first 4096 bytes of the termination file, or, with FallbackToLogsOnError, the tail of the log when the
// file is empty and the container failed.
func readTerminationMessage(termPath, logPath string, fallbackToLogs bool, exitCode int) string {
	msg, _ := readHead(termPath, maxTerminationMessageBytes)
	if len(msg) > 0 || !fallbackToLogs || exitCode == 0 {
		return string(msg)
	}
	tail, _ := readTailLines(logPath, fallbackLogLines, fallbackLogBytes)
	return string(tail)
}

func readHead(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, limit))
}

// readTailLines returns at most the last maxLines lines of the file, and of those at most the last
// maxBytes bytes.
func readTailLines(path string, maxLines int, maxBytes int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	start, err := tailOffset(f, maxLines)
	if err != nil {
		return nil, err
	}
	size, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		return nil, err
	}
	if size-start > maxBytes {
		start = size - maxBytes
	}
	if _, err := f.Seek(start, io.SeekStart); err != nil {
		return nil, err
	}
	return io.ReadAll(f)
}

// tailOffset returns the offset at which the last n lines of f begin. A final line without a newline counts
// as a line; the newline that ends the file does not start another one.
func tailOffset(f *os.File, n int) (int64, error) {
	size, err := f.Seek(0, io.SeekEnd)
	if err != nil || size == 0 || n <= 0 {
		if n <= 0 {
			return size, err
		}
		return 0, err
	}
	const chunk = 32 * 1024
	buf := make([]byte, chunk)
	end := size
	// Skip the newline that terminates the last line.
	last := make([]byte, 1)
	if _, err := f.ReadAt(last, size-1); err != nil {
		return 0, err
	}
	if last[0] == '\n' {
		end--
	}
	seen := 0
	for end > 0 {
		start := max(end-chunk, 0)
		b := buf[:end-start]
		if _, err := f.ReadAt(b, start); err != nil && err != io.EOF {
			return 0, err
		}
		for i := len(b) - 1; i >= 0; i-- {
			if b[i] != '\n' {
				continue
			}
			seen++
			if seen == n {
				return start + int64(i) + 1, nil
			}
		}
		end = start
	}
	return 0, nil
}

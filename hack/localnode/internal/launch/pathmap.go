package launch

import (
	"path"
	"sort"
	"strings"
)

// Mount makes a path a container expects (a volume mountPath or its terminationMessagePath) available at a
// host path.
type Mount struct {
	ContainerPath string
	HostPath      string
}

// PathMap rewrites container paths to host paths. Processes see the host file system, so every argument and
// environment value that refers to a mounted path must be redirected to the directory backing the volume.
type PathMap struct {
	mounts []Mount // longest ContainerPath first, so nested mounts win over their parents
}

// NewPathMap builds a PathMap. Container paths are cleaned; "/" and relative paths are ignored because
// rewriting them would redirect every absolute path. For duplicate container paths the first one wins.
func NewPathMap(mounts ...Mount) PathMap {
	seen := map[string]bool{}
	var kept []Mount
	for _, m := range mounts {
		cp := path.Clean(m.ContainerPath)
		if !strings.HasPrefix(cp, "/") || cp == "/" || seen[cp] {
			continue
		}
		seen[cp] = true
		kept = append(kept, Mount{ContainerPath: cp, HostPath: strings.TrimSuffix(m.HostPath, "/")})
	}
	sort.SliceStable(kept, func(i, j int) bool { return len(kept[i].ContainerPath) > len(kept[j].ContainerPath) })
	return PathMap{mounts: kept}
}

// Mounts returns the mounts, longest container path first.
func (m PathMap) Mounts() []Mount { return append([]Mount(nil), m.mounts...) }

// Rewrite replaces every occurrence of a mounted container path inside s by its host path. An occurrence
// counts only where a path can start and end: it must not be preceded by a path character (so "/var/data"
// is not touched by a mount at "/data") and must be followed by "/", the end of s, or a character that cannot
// continue a file name (so "/database" is not touched either). This covers whole arguments ("/data/in.mp4"),
// flag values ("--out=/data/x"), lists ("a:/data/b") and paths inside shell scripts ("echo hi > /data/f").
func (m PathMap) Rewrite(s string) string {
	if len(m.mounts) == 0 || !strings.Contains(s, "/") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] == '/' && (i == 0 || !isPathChar(s[i-1])) {
			if mt, ok := m.matchAt(s, i); ok {
				b.WriteString(mt.HostPath)
				i += len(mt.ContainerPath)
				continue
			}
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

func (m PathMap) matchAt(s string, i int) (Mount, bool) {
	for _, mt := range m.mounts {
		if !strings.HasPrefix(s[i:], mt.ContainerPath) {
			continue
		}
		end := i + len(mt.ContainerPath)
		if end == len(s) || s[end] == '/' || !isPathChar(s[end]) {
			return mt, true
		}
	}
	return Mount{}, false
}

// isPathChar reports whether c can be part of a file name or path in the arguments localnode rewrites.
func isPathChar(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("._-/~+@%", c) >= 0
}

package childproc

import (
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
)

func TestArgs(t *testing.T) {
	wl := []string{"-protocol_whitelist", ProtocolWhitelist}
	for _, tc := range []struct {
		name, bin string
		args      []string
		want      []string
	}{
		{"ffprobe: up front", "/usr/bin/ffprobe", []string{"-v", "error", "in.mp4"},
			append(slices.Clone(wl), "-v", "error", "in.mp4")},
		{"ffmpeg: before every input", "ffmpeg", []string{"-y", "-i", "a.mp4", "-loop", "1", "-i", "b.png", "out.mp4"},
			[]string{"-y", wl[0], wl[1], "-i", "a.mp4", "-loop", "1", wl[0], wl[1], "-i", "b.png", "out.mp4"}},
		{"ffmpeg: versioned name", "/opt/ffmpeg-7/bin/ffmpeg-7", []string{"-i", "a.mp4"},
			[]string{wl[0], wl[1], "-i", "a.mp4"}},
		{"ffmpeg without inputs", "ffmpeg", []string{"-version"}, []string{"-version"}},
		{"other tools unchanged", "espeak-ng", []string{"-i", "x"}, []string{"-i", "x"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Args(tc.bin, tc.args); !slices.Equal(got, tc.want) {
				t.Errorf("Args(%q, %q) = %q, want %q", tc.bin, tc.args, got, tc.want)
			}
		})
	}
}

func TestFilterEnv(t *testing.T) {
	in := []string{"PATH=/bin", "HOME=/tmp", "LANGFLIX_LLM_API_KEY=sk-secret", "LANGFLIX_REDIS_URL=redis://:pw@r:6379",
		"KUBECONFIG=/var/run/kube", "AWS_SECRET_ACCESS_KEY=x", "LANG=C.UTF-8", "FONTCONFIG_PATH=/etc/fonts", "BROKEN",
		"HOSTNAME=lesson-vt-1-x7k2p"}
	want := []string{"PATH=/bin", "HOME=/tmp", "LANG=C.UTF-8", "FONTCONFIG_PATH=/etc/fonts", "HOSTNAME=lesson-vt-1-x7k2p"}
	if got := filterEnv(in); !slices.Equal(got, want) {
		t.Errorf("filterEnv = %q, want %q", got, want)
	}
}

// TestChildSeesNoSecrets starts a real child through Command and reads its environment.
func TestChildSeesNoSecrets(t *testing.T) {
	t.Setenv("LANGFLIX_LLM_API_KEY", "sk-test-secret")
	t.Setenv("LANGFLIX_REDIS_URL", "redis://:hunter2@redis:6379/0")
	out, err := Command(t.Context(), "env").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"sk-test-secret", "hunter2", "LANGFLIX_"} {
		if strings.Contains(string(out), secret) {
			t.Errorf("child environment contains %q:\n%s", secret, out)
		}
	}
	if !strings.Contains(string(out), "PATH=") {
		t.Errorf("child environment lacks PATH:\n%s", out)
	}
}

// httpCounter is a local HTTP server that counts the requests it gets.
func httpCounter(t *testing.T) (string, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.NotFound(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, &hits
}

// hostilePlaylist writes an HLS playlist whose segment is on a local HTTP server, the way a hostile upload
// would point ffmpeg at an internal service, and returns its path and the server's request counter.
func hostilePlaylist(t *testing.T) (string, *atomic.Int32) {
	t.Helper()
	url, hits := httpCounter(t)
	path := filepath.Join(t.TempDir(), "episode.m3u8")
	playlist := "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n#EXT-X-MEDIA-SEQUENCE:0\n" +
		"#EXTINF:10.0,\n" + url + "/internal/segment.ts\n#EXT-X-ENDLIST\n"
	if err := os.WriteFile(path, []byte(playlist), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, hits
}

func lookTool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s is not installed", name)
	}
	return path
}

// TestFFprobeReadsNoURL gives the real ffprobe a URL as its input: through Command it must not make a single
// request. The same command without Command does, which proves the test can fail.
func TestFFprobeReadsNoURL(t *testing.T) {
	ffprobe := lookTool(t, "ffprobe")
	url, hits := httpCounter(t)
	out, err := Command(t.Context(), ffprobe, "-v", "error", "-show_format", url+"/video.mp4").CombinedOutput()
	if err == nil {
		t.Errorf("ffprobe read a URL successfully:\n%s", out)
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("ffprobe with the whitelist made %d HTTP requests", n)
	}
	if !strings.Contains(string(out), "not on whitelist '"+ProtocolWhitelist+"'") {
		t.Errorf("ffprobe's error does not name our whitelist:\n%s", out)
	}
	_, _ = exec.CommandContext(t.Context(), ffprobe, "-v", "error", "-show_format", url+"/video.mp4").CombinedOutput()
	if hits.Load() == 0 {
		t.Fatal("control: ffprobe without the whitelist made no request, so the test proves nothing")
	}
}

// TestPlaylistStaysLocal runs the real ffprobe and ffmpeg on a playlist whose segment is an internal URL: no
// request may reach the server, and the refusal must come from our whitelist (ffmpeg's own default for
// local files, "file,crypto,data", would also refuse http but lets crypto and data through).
func TestPlaylistStaysLocal(t *testing.T) {
	ffprobe, ffmpeg := lookTool(t, "ffprobe"), lookTool(t, "ffmpeg")
	playlist, hits := hostilePlaylist(t)
	for _, args := range [][]string{
		{ffprobe, "-v", "error", "-show_format", playlist},
		{ffmpeg, "-nostdin", "-v", "error", "-y", "-i", playlist, "-t", "1", filepath.Join(t.TempDir(), "out.mp4")},
	} {
		out, err := Command(t.Context(), args[0], args[1:]...).CombinedOutput()
		if err == nil {
			t.Errorf("%s read the hostile playlist successfully:\n%s", filepath.Base(args[0]), out)
		}
		if !strings.Contains(string(out), "not on whitelist '"+ProtocolWhitelist+"'") {
			t.Errorf("%s's error does not name our whitelist:\n%s", filepath.Base(args[0]), out)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("the playlist made %d HTTP requests", n)
	}
}

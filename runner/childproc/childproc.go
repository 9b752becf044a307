// Package childproc prepares the external tools the runner starts (ffmpeg, ffprobe, espeak-ng, fc-match) so
// that they get only what they need: an environment filtered to a short allow-list, and, for ffmpeg and
// ffprobe, a protocol whitelist that lets them read local files and pipes and nothing else.
//
// Why: the runner's own environment holds secrets (the LLM API key, the Redis URL with its password), and the
// media it processes is untrusted. A hostile file that ffmpeg opens as an HLS playlist or a concat list could
// otherwise make it fetch URLs from inside the cluster (http, tcp, udp, rtmp, ...). Every input the runner
// hands to ffmpeg is a local file already (the storage layer downloads URLs itself, under its own rules), so
// file and pipe are all ffmpeg ever needs.
//
// Every place that starts one of these tools goes through Command or Prepare, so the rules live here only.
package childproc

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// ProtocolWhitelist is the ffmpeg protocol whitelist of every ffmpeg and ffprobe the runner starts: local
// files (including the segments of a playlist or the entries of a concat list, which inherit the whitelist)
// and pipes. Nested demuxers such as HLS inherit it, so a playlist cannot reach http:// or any network
// protocol.
const ProtocolWhitelist = "file,pipe"

// allowedEnv are the variables a child may inherit: where to find programs and libraries, where to write,
// the locale and time zone, the configuration folders of fontconfig and espeak-ng, and HOSTNAME (the pod's
// name, which Kubernetes gives every container; it is no secret, and it is how a node tells whose process a
// child is). Anything else, in particular every LANGFLIX_* variable, KUBECONFIG and cloud credentials, stays
// with the runner.
var allowedEnv = map[string]bool{
	"PATH": true, "HOME": true, "TMPDIR": true, "LD_LIBRARY_PATH": true, "HOSTNAME": true,
	"LANG": true, "LANGUAGE": true, "LC_ALL": true, "LC_CTYPE": true, "LC_MESSAGES": true, "TZ": true,
	"FONTCONFIG_FILE": true, "FONTCONFIG_PATH": true, "FONTCONFIG_SYSROOT": true,
	"XDG_CACHE_HOME": true, "XDG_CONFIG_HOME": true, "XDG_DATA_HOME": true, "XDG_DATA_DIRS": true,
	"ESPEAK_DATA_PATH": true,
}

// Env returns the runner's environment filtered to what a child process needs.
func Env() []string {
	return filterEnv(os.Environ())
}

func filterEnv(environ []string) []string {
	out := []string{}
	for _, kv := range environ {
		name, _, ok := strings.Cut(kv, "=")
		if ok && allowedEnv[name] {
			out = append(out, kv)
		}
	}
	return out
}

// Args returns args for bin with the protocol whitelist added when bin is ffmpeg or ffprobe: ffprobe takes it
// once, up front; ffmpeg takes it as an input option, so it goes before every -i (an option after the last
// input would apply to the output instead). Other tools' arguments are returned unchanged.
func Args(bin string, args []string) []string {
	switch tool(bin) {
	case "ffprobe":
		return append([]string{"-protocol_whitelist", ProtocolWhitelist}, args...)
	case "ffmpeg":
		out := make([]string, 0, len(args)+4)
		for _, a := range args {
			if a == "-i" {
				out = append(out, "-protocol_whitelist", ProtocolWhitelist)
			}
			out = append(out, a)
		}
		return out
	}
	return args
}

// tool names the tool behind a binary path: "ffmpeg" and "ffprobe" also for versioned names such as
// ffmpeg-7 or /opt/ffmpeg/bin/ffmpeg.exe.
func tool(bin string) string {
	base := strings.ToLower(filepath.Base(bin))
	switch {
	case strings.HasPrefix(base, "ffprobe"):
		return "ffprobe"
	case strings.HasPrefix(base, "ffmpeg"):
		return "ffmpeg"
	}
	return base
}

// Command is exec.CommandContext with the child's environment filtered and, for ffmpeg and ffprobe, the
// protocol whitelist in place.
func Command(ctx context.Context, bin string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, bin, Args(bin, args)...)
	cmd.Env = Env()
	return cmd
}

// Prepare applies the same rules to a command built elsewhere (before Start): the arguments after the
// program name get the protocol whitelist, and the environment is filtered (a cmd.Env set by the caller is
// filtered too, rather than replaced).
func Prepare(cmd *exec.Cmd) {
	if len(cmd.Args) > 0 {
		cmd.Args = append([]string{cmd.Args[0]}, Args(cmd.Path, cmd.Args[1:])...)
	}
	if cmd.Env == nil {
		cmd.Env = Env()
	} else {
		cmd.Env = filterEnv(cmd.Env)
	}
}

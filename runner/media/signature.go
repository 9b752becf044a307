package media

import (
	"bytes"
	"io"
	"os"
)

// headerBytes is how much of a file looksLikeMedia reads: enough for a second MPEG-TS sync byte.
const headerBytes = 512

// looksLikeMedia reports whether the file starts with the signature of a common audio/video container.
// It only serves to word errors for files ffprobe could not open; it does not accept anything.
func looksLikeMedia(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, headerBytes)
	n, _ := io.ReadFull(f, head)
	return hasMediaSignature(head[:n])
}

// isoBoxTypes are box types that start ISO base media files (MP4, MOV, M4A, 3GP) in practice.
var isoBoxTypes = [][]byte{[]byte("ftyp"), []byte("moov"), []byte("mdat"), []byte("free"), []byte("skip"), []byte("wide"), []byte("pnot")}

// mediaMagic are fixed prefixes of other containers.
var mediaMagic = [][]byte{
	{0x1a, 0x45, 0xdf, 0xa3}, // Matroska, WebM
	[]byte("RIFF"),           // AVI, WAV
	[]byte("OggS"),
	[]byte("FLV"),
	[]byte("fLaC"),
	[]byte("ID3"),            // MP3 with tags
	[]byte(".RMF"),           // RealMedia
	{0x00, 0x00, 0x01, 0xba}, // MPEG program stream
	{0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11}, // ASF, WMV
}

func hasMediaSignature(head []byte) bool {
	if len(head) >= 8 {
		for _, box := range isoBoxTypes {
			if bytes.Equal(head[4:8], box) {
				return true
			}
		}
	}
	for _, magic := range mediaMagic {
		if bytes.HasPrefix(head, magic) {
			return true
		}
	}
	// MPEG transport stream: a sync byte every 188 bytes (192 in Blu-ray M2TS, after a 4-byte header).
	if len(head) > 188 && head[0] == 0x47 && head[188] == 0x47 {
		return true
	}
	if len(head) > 196 && head[4] == 0x47 && head[196] == 0x47 {
		return true
	}
	return false
}

package buildctx

import (
	"archive/tar"
	"bytes"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTar(t *testing.T) {
	files := []File{{"Dockerfile", 0o644, []byte("FROM scratch\n")}, {"bin/run", 0o755, []byte{0, 1, 2}}}
	a, err := Tar(files...)
	require.NoError(t, err)
	b, err := Tar(files...)
	require.NoError(t, err)
	assert.Equal(t, a.Bytes(), b.Bytes(), "equal files give an equal archive")

	tr := tar.NewReader(bytes.NewReader(a.Bytes()))
	for _, want := range files {
		hdr, err := tr.Next()
		require.NoError(t, err)
		assert.Equal(t, want.Name, hdr.Name)
		assert.Equal(t, want.Mode, hdr.Mode)
		got, err := io.ReadAll(tr)
		require.NoError(t, err)
		assert.Equal(t, want.Data, got)
	}
	_, err = tr.Next()
	assert.Equal(t, io.EOF, err)
}

func TestLabelLine(t *testing.T) {
	assert.Empty(t, LabelLine(nil))
	got := LabelLine(map[string]string{"b.key": `say "hi"\now`, "a.key": "linux:1:2", "c": "two\nlines"})
	assert.Equal(t, `LABEL "a.key"="linux:1:2" "b.key"="say \"hi\"\\now" "c"="two lines"`+"\n", got)
}

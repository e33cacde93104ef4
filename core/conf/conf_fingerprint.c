/*
 * conf_fingerprint.c - a config file's pieces and their hashes, and the
 * pieces a reload finds changed (see conf_fingerprint.h).
 *
 * The file is read through a small window, never whole: at the scale users
 * report (4 MB) a 4 MB buffer's page faults took longer, in an emulated
 * guest, than reading and hashing the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "conf_fingerprint.h"

/* ---- the hash: eight bytes a step, fed in any slices ---- */

struct hasher {
	uint64_t h;
	unsigned char tail[8];
	size_t ntail;
};

static void hash_word(struct hasher *s, const unsigned char *p)
{
	uint64_t word;

	memcpy(&word, p, sizeof(word));
	s->h = (s->h ^ word) * 0xff51afd7ed558ccdull;
	s->h ^= s->h >> 29;
}

static void hasher_init(struct hasher *s, size_t len)
{
	s->h = 0x9e3779b97f4a7c15ull ^ len;
	s->ntail = 0;
}

static void hasher_feed(struct hasher *s, const char *data, size_t n)
{
	const unsigned char *p = (const unsigned char *)data;

	while (n && s->ntail) {
		s->tail[s->ntail++] = *p++;
		n--;
		if (s->ntail == sizeof(s->tail)) {
			hash_word(s, s->tail);
			s->ntail = 0;
		}
	}
	for (; n >= sizeof(s->tail); p += sizeof(s->tail), n -= sizeof(s->tail))
		hash_word(s, p);
	memcpy(s->tail, p, n);
	s->ntail = n;
}

static uint64_t hasher_end(struct hasher *s)
{
	memset(s->tail + s->ntail, 0, sizeof(s->tail) - s->ntail);
	hash_word(s, s->tail);
	s->h *= 0xc4ceb9fe1a85ec53ull;
	s->h ^= s->h >> 33;
	return s->h;
}

uint64_t conf_hash(const char *data, size_t len)
{
	struct hasher s;

	hasher_init(&s, len);
	hasher_feed(&s, data, len);
	return hasher_end(&s);
}

/* ---- the file through a window ---- */

struct window {
	int fd;
	char buf[64 << 10];
	size_t off, len;            /* buf holds the file's bytes [off, off + len) */
	int failed;
};

/* The bytes from file offset at on, at least one unless at is the end (or
 * the read failed): *n of them. */
static const char *window_at(struct window *w, size_t at, size_t *n)
{
	if (at < w->off || at >= w->off + w->len) {
		ssize_t r;
		do
			r = pread(w->fd, w->buf, sizeof(w->buf), (off_t)at);
		while (r < 0 && errno == EINTR);
		if (r < 0)
			w->failed = 1;
		w->off = at;
		w->len = r > 0 ? (size_t)r : 0;
	}
	*n = w->off + w->len - at;
	return w->buf + (at - w->off);
}

/* The hash of the file's bytes [at, at + len); false when it is shorter. */
static bool window_hash(struct window *w, size_t at, size_t len, uint64_t *hash)
{
	struct hasher s;

	hasher_init(&s, len);
	for (size_t done = 0, n; done < len; done += n) {
		const char *p = window_at(w, at + done, &n);
		if (n == 0)
			return false;
		if (n > len - done)
			n = len - done;
		hasher_feed(&s, p, n);
	}
	*hash = hasher_end(&s);
	return true;
}

static struct conf_file_id file_id(const struct stat *st)
{
	return (struct conf_file_id){ st->st_dev, st->st_ino, (unsigned long long)st->st_size,
				      (long long)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec };
}

static struct window *window_open(const char *path, struct conf_file_id *id)
{
	struct stat st;
	struct window *w = malloc(sizeof(*w));

	if (!w)
		return NULL;
	w->fd = open(path, O_RDONLY | O_CLOEXEC);
	w->off = w->len = 0;
	w->failed = 0;
	if (w->fd < 0 || fstat(w->fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0) {
		if (w->fd >= 0)
			close(w->fd);
		free(w);
		return NULL;
	}
	*id = file_id(&st);
	return w;
}

/* Closes w: true when the file was read without a failure and is still
 * the one id says (a write while it was read changes its time). */
static bool window_close(struct window *w, const struct conf_file_id *id)
{
	struct stat st;
	bool same = !w->failed && fstat(w->fd, &st) == 0;

	if (same) {
		struct conf_file_id now = file_id(&st);
		same = memcmp(&now, id, sizeof(now)) == 0;
	}
	close(w->fd);
	free(w);
	return same;
}

/* ---- the fingerprint ---- */

static bool add_piece(struct conf_fingerprint *fp, struct window *w, size_t off, size_t end, int first_line,
		      int nlines, int vs)
{
	struct conf_piece *p = &fp->pieces[fp->npieces++];

	*p = (struct conf_piece){ 0, end - off, first_line, nlines, vs };
	return window_hash(w, off, end - off, &p->hash);
}

struct conf_fingerprint *conf_fingerprint_make(const struct conf_keepalived *conf, const char *path)
{
	const struct conf_tree *t = conf->tree;
	struct conf_file_id id;

	if (!t->spans_ok || t->nfiles != 1 || t->first_file.ino == 0)
		return NULL;
	struct window *w = window_open(path, &id);
	if (!w)
		return NULL;
	struct conf_fingerprint *fp = calloc(1, sizeof(*fp));
	bool ok = fp && memcmp(&id, &t->first_file, sizeof(id)) == 0 &&
		  (fp->pieces = calloc(2 * (size_t)t->nspans + 1, sizeof(*fp->pieces)));
	size_t at = 0;
	int line = 1, vs = 0;
	for (int i = 0; ok && i < t->nspans; i++) {
		const struct conf_span *s = &t->spans[i];
		ok = s->off >= at && s->end <= id.size && s->first_line >= line &&
		     add_piece(fp, w, at, s->off, line, s->first_line - line, -1) &&
		     add_piece(fp, w, s->off, s->end, s->first_line, s->last_line - s->first_line + 1,
			       s->is_vs ? vs++ : -1);
		at = s->end;
		line = s->last_line + 1;
	}
	/* the k-th virtual_server statement is the k-th virtual server */
	ok = ok && vs == conf->nvirtual_servers && add_piece(fp, w, at, id.size, line, 0, -1);
	if (!window_close(w, &id) || !ok) {
		conf_fingerprint_free(fp);
		return NULL;
	}
	fp->file = id;
	return fp;
}

void conf_fingerprint_free(struct conf_fingerprint *fp)
{
	if (!fp)
		return;
	free(fp->pieces);
	free(fp);
}

/* The nlines lines from file offset at on, appended to r->text: false when
 * the file has fewer (its last line may lack a newline, not be empty). */
static bool take_lines(struct window *w, size_t at, int nlines, struct conf_reread *r)
{
	size_t line_start = r->len;

	for (int seen = 0; seen < nlines;) {
		size_t n;
		const char *p = window_at(w, at, &n);
		if (n == 0)
			return seen == nlines - 1 && r->len > line_start;
		const char *nl = memchr(p, '\n', n);
		size_t take = nl ? (size_t)(nl - p) + 1 : n;
		if (r->len + take > r->cap) {
			size_t cap = r->cap ? r->cap * 2 : 4096;
			while (cap < r->len + take)
				cap *= 2;
			char *grown = realloc(r->text, cap);
			if (!grown)
				return false;
			r->text = grown;
			r->cap = cap;
		}
		memcpy(r->text + r->len, p, take);
		r->len += take;
		at += take;
		if (nl) {
			seen++;
			line_start = r->len;
		}
	}
	return true;
}

int conf_fingerprint_read(const struct conf_fingerprint *fp, const char *path, struct conf_reread *r)
{
	memset(r, 0, sizeof(*r));
	struct window *w = window_open(path, &r->file);
	if (!w)
		return -1;
	size_t at = 0;
	bool ok = true;
	for (int i = 0; ok && i < fp->npieces; i++) {
		const struct conf_piece *p = &fp->pieces[i];
		uint64_t hash;
		if (window_hash(w, at, p->len, &hash) && hash == p->hash) {
			at += p->len;
			continue;
		}
		size_t from = r->len;
		ok = p->vs >= 0 && r->n < CONF_CHANGES_MAX && p->nlines > 0 && take_lines(w, at, p->nlines, r);
		if (ok) {
			size_t len = r->len - from;
			r->ch[r->n++] = (struct conf_change){ i, p->vs, { from, len, p->first_line },
							      conf_hash(r->text + from, len) };
			at += len;
		}
	}
	/* and nothing after the last piece */
	size_t rest = 1;
	if (ok && at == r->file.size)
		window_at(w, at, &rest);
	ok = ok && rest == 0;
	if (!window_close(w, &r->file) || !ok) {
		conf_reread_free(r);
		return -1;
	}
	return r->n;
}

void conf_reread_free(struct conf_reread *r)
{
	free(r->text);
	memset(r, 0, sizeof(*r));
}

void conf_fingerprint_update(struct conf_fingerprint *fp, const struct conf_reread *r)
{
	for (int i = 0; i < r->n; i++) {
		fp->pieces[r->ch[i].piece].len = r->ch[i].text.len;
		fp->pieces[r->ch[i].piece].hash = r->ch[i].hash;
	}
	fp->file = r->file;
}

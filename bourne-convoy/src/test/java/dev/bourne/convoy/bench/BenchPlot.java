package dev.bourne.convoy.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/** Draws the benchmark results as a PNG with java.awt (headless). */
final class BenchPlot {
  private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728)};
  private static final int W = 560;
  private static final int H = 420;

  private BenchPlot() {}

  static void write(List<BenchResult> results, Path file, double simProbeS, double loopProbeS) throws IOException {
    System.setProperty("java.awt.headless", "true");
    BufferedImage img = new BufferedImage(2 * W, H + 40, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, img.getWidth(), img.getHeight());
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    g.drawString("Convoy: solid = simulator (LAN timings), dashed = real loopback hosts (LOCAL timings); colour = retransmit factor", 20, 22);
    panel(g, 0, results, "gossip periods until an update reaches every member", BenchResult::spreadPeriods);
    panel(g, W, results, "probe periods from a crash until all mark it failed",
        r -> r.allFailedSeconds() / (r.env().equals("sim") ? simProbeS : loopProbeS));
    g.dispose();
    Files.createDirectories(file.toAbsolutePath().getParent());
    ImageIO.write(img, "png", file.toFile());
  }

  private static void panel(Graphics2D g, int x0, List<BenchResult> rs, String title, ToDoubleFunction<BenchResult> y) {
    int left = x0 + 60;
    int top = 60;
    int right = x0 + W - 45;
    int bottom = H - 10;
    double maxY = 1;
    for (BenchResult r : rs) {
      double v = y.applyAsDouble(r);
      if (!Double.isNaN(v)) {
        maxY = Math.max(maxY, v);
      }
    }
    maxY = Math.ceil(maxY * 1.1);
    double minX = Math.log(8) / Math.log(2);
    double maxX = Math.log(2048) / Math.log(2);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    g.drawString(title, left, top - 12);
    g.drawLine(left, bottom, right, bottom);
    g.drawLine(left, top, left, bottom);
    for (int n = 8; n <= 2048; n *= 4) {
      int px = (int) (left + (Math.log(n) / Math.log(2) - minX) / (maxX - minX) * (right - left));
      g.drawLine(px, bottom, px, bottom + 4);
      g.drawString("N=" + n, px - 14, bottom + 16 > H + 30 ? H + 30 : bottom + 16);
    }
    for (int i = 0; i <= 5; i++) {
      double v = maxY * i / 5;
      int py = (int) (bottom - v / maxY * (bottom - top));
      g.setColor(new Color(0xdddddd));
      g.drawLine(left + 1, py, right, py);
      g.setColor(Color.BLACK);
      g.drawString(String.format(java.util.Locale.ROOT, "%.0f", v), left - 35, py + 4);
    }
    for (String env : new String[] {"sim", "loopback"}) {
      for (int f = 1; f <= 4; f++) {
        g.setColor(COLORS[f - 1]);
        g.setStroke(env.equals("sim") ? new BasicStroke(2f)
            : new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        int px0 = -1;
        int py0 = -1;
        for (BenchResult r : rs) {
          double v = y.applyAsDouble(r);
          if (!r.env().equals(env) || r.factor() != f || Double.isNaN(v)) {
            continue;
          }
          int px = (int) (left + (Math.log(r.n()) / Math.log(2) - minX) / (maxX - minX) * (right - left));
          int py = (int) (bottom - v / maxY * (bottom - top));
          g.fillOval(px - 3, py - 3, 6, 6);
          if (px0 >= 0) {
            g.drawLine(px0, py0, px, py);
          }
          px0 = px;
          py0 = py;
        }
        if (env.equals("sim")) {
          g.drawString("factor " + f, right - 70, top + 14 * f);
        }
      }
    }
    g.setStroke(new BasicStroke(1f));
  }
}

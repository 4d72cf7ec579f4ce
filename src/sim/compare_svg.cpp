#include "sim/compare_svg.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace baton::sim {
namespace {

// A fixed palette (colour-blind safe, Okabe-Ito) so an algorithm keeps its colour across charts.
constexpr const char* kColours[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                    "#E69F00", "#56B4E9", "#000000", "#F0E442"};

constexpr double kWidth = 720, kHeight = 440;
constexpr double kLeft = 70, kRight = 160, kTop = 40, kBottom = 50;
constexpr double kPlotW = kWidth - kLeft - kRight, kPlotH = kHeight - kTop - kBottom;

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string label(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, v >= 10 || v == std::floor(v) ? "%.0f" : "%.1f", v);
  return buf;
}

std::string escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else if (c == '&') {
      out += "&amp;";
    } else {
      out += c;
    }
  }
  return out;
}

/// A chart frame: title, axes with labels, and a legend of the algorithms.
class Chart {
 public:
  Chart(const std::string& title, const std::string& x_label, const std::string& y_label) {
    svg_ += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(kWidth) + "\" height=\"" +
            num(kHeight) + "\" font-family=\"sans-serif\" font-size=\"12\">\n";
    svg_ += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
    svg_ += text(kLeft, 22, escape(title), "font-size=\"15\" font-weight=\"bold\"");
    svg_ += text(kLeft + kPlotW / 2, kHeight - 10, escape(x_label), "text-anchor=\"middle\"");
    svg_ += "<text transform=\"translate(16," + num(kTop + kPlotH / 2) +
            ") rotate(-90)\" text-anchor=\"middle\">" + escape(y_label) + "</text>\n";
    svg_ += "<rect x=\"" + num(kLeft) + "\" y=\"" + num(kTop) + "\" width=\"" + num(kPlotW) +
            "\" height=\"" + num(kPlotH) + "\" fill=\"none\" stroke=\"#888\"/>\n";
  }
  void x_tick(double x, const std::string& text_) {
    svg_ += line(x, kTop + kPlotH, x, kTop + kPlotH + 5, "#888");
    svg_ += line(x, kTop, x, kTop + kPlotH, "#eee");
    svg_ += text(x, kTop + kPlotH + 18, text_, "text-anchor=\"middle\"");
  }
  void y_tick(double y, const std::string& text_) {
    svg_ += line(kLeft - 5, y, kLeft, y, "#888");
    svg_ += line(kLeft, y, kLeft + kPlotW, y, "#eee");
    svg_ += text(kLeft - 8, y + 4, text_, "text-anchor=\"end\"");
  }
  void polyline(const std::vector<std::pair<double, double>>& points, std::size_t series,
                bool markers) {
    const char* colour = kColours[series % std::size(kColours)];
    std::string pts;
    for (const auto& [x, y] : points) pts += num(x) + "," + num(y) + " ";
    svg_ += "<polyline fill=\"none\" stroke-width=\"2\" stroke=\"" + std::string(colour) +
            "\" points=\"" + pts + "\"/>\n";
    if (markers) {
      for (const auto& [x, y] : points) {
        svg_ += "<circle cx=\"" + num(x) + "\" cy=\"" + num(y) + "\" r=\"3\" fill=\"" + colour +
                "\"/>\n";
      }
    }
  }
  void legend(std::size_t series, const std::string& name) {
    const double y = kTop + 10 + 20 * static_cast<double>(series);
    const double x = kLeft + kPlotW + 15;
    svg_ += line(x, y, x + 22, y, kColours[series % std::size(kColours)], 3);
    svg_ += text(x + 28, y + 4, escape(name), "");
  }
  std::string finish() { return svg_ + "</svg>\n"; }

 private:
  static std::string line(double x1, double y1, double x2, double y2, const char* colour,
                          double width = 1) {
    return "<line x1=\"" + num(x1) + "\" y1=\"" + num(y1) + "\" x2=\"" + num(x2) + "\" y2=\"" +
           num(y2) + "\" stroke=\"" + colour + "\" stroke-width=\"" + num(width) + "\"/>\n";
  }
  static std::string text(double x, double y, const std::string& body, const std::string& attrs) {
    return "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" " + attrs + ">" + body + "</text>\n";
  }
  std::string svg_;
};

/// A "nice" upper bound for an axis: 1, 2 or 5 times a power of ten.
double nice_ceiling(double v) {
  if (v <= 0) return 1;
  const double p = std::pow(10.0, std::floor(std::log10(v)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (v <= m * p) return m * p;
  }
  return 10 * p;
}

}  // namespace

std::string failover_chart_svg(const CompareReport& report) {
  Chart chart(
      "Failover time, " + std::to_string(report.nodes) + " nodes, every fault of the matrix",
      "failover time (ms): from the fault that removed the leader to a new acknowledged "
      "leader",
      "fraction of failovers at or below");
  // The x axis ends at the largest p99, so one algorithm's long tail does not squash the rest.
  double x_max = 0;
  for (const AlgorithmComparison& a : report.algorithms) x_max = std::max(x_max, a.failover_ms.p99);
  x_max = nice_ceiling(x_max);
  for (int i = 0; i <= 5; ++i) {
    const double v = x_max * i / 5;
    chart.x_tick(kLeft + kPlotW * v / x_max, label(v));
  }
  for (int i = 0; i <= 4; ++i) {
    chart.y_tick(kTop + kPlotH - kPlotH * i / 4, label(i * 0.25));
  }
  for (std::size_t k = 0; k < report.algorithms.size(); ++k) {
    const AlgorithmComparison& a = report.algorithms[k];
    const auto& samples = a.failover_samples_ms;
    chart.legend(k, a.algorithm + (samples.empty() ? " (none)" : ""));
    if (samples.empty()) continue;
    // A step CDF, thinned to at most ~200 points.
    std::vector<std::pair<double, double>> pts;
    const std::size_t step = std::max<std::size_t>(1, samples.size() / 200);
    for (std::size_t i = 0; i < samples.size(); i += step) {
      const double x = kLeft + kPlotW * std::min(samples[i], x_max) / x_max;
      const double frac = static_cast<double>(i + 1) / static_cast<double>(samples.size());
      pts.emplace_back(x, kTop + kPlotH - kPlotH * frac);
    }
    pts.emplace_back(kLeft + kPlotW * std::min(samples.back(), x_max) / x_max, kTop);
    chart.polyline(pts, k, false);
  }
  return chart.finish();
}

std::string messages_chart_svg(const CompareReport& report) {
  Chart chart("Messages per election against cluster size (leader crash)", "nodes (log scale)",
              "messages per election (log scale)");
  double x_min = 1e9, x_max = 1, y_max = 1;
  for (const AlgorithmComparison& a : report.algorithms) {
    for (const ScalingPoint& p : a.scaling) {
      x_min = std::min(x_min, static_cast<double>(p.nodes));
      x_max = std::max(x_max, static_cast<double>(p.nodes));
      y_max = std::max(y_max, p.messages_per_election_mean);
    }
  }
  if (x_min > x_max) x_min = x_max = 1;
  const double lx0 = std::log2(std::max(1.0, x_min)), lx1 = std::log2(std::max(2.0, x_max));
  const double ly1 = std::ceil(std::log10(std::max(10.0, y_max)));
  auto px = [&](double n) {
    return kLeft + kPlotW * (std::log2(n) - lx0) / std::max(1e-9, lx1 - lx0);
  };
  auto py = [&](double m) { return kTop + kPlotH - kPlotH * std::log10(std::max(1.0, m)) / ly1; };
  for (const ScalingPoint& p : report.algorithms.empty() ? std::vector<ScalingPoint>{}
                                                         : report.algorithms.front().scaling) {
    chart.x_tick(px(p.nodes), std::to_string(p.nodes));
  }
  for (int e = 0; e <= static_cast<int>(ly1); ++e)
    chart.y_tick(py(std::pow(10, e)), label(std::pow(10, e)));
  for (std::size_t k = 0; k < report.algorithms.size(); ++k) {
    const AlgorithmComparison& a = report.algorithms[k];
    chart.legend(k, a.algorithm);
    std::vector<std::pair<double, double>> pts;
    for (const ScalingPoint& p : a.scaling) {
      pts.emplace_back(px(p.nodes), py(p.messages_per_election_mean));
    }
    if (!pts.empty()) chart.polyline(pts, k, true);
  }
  return chart.finish();
}

std::vector<std::string> write_compare_charts(const CompareReport& report, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw std::runtime_error("cannot create directory '" + dir + "': " + ec.message());
  std::vector<std::string> written;
  const std::pair<const char*, std::string> charts[] = {
      {"failover.svg", failover_chart_svg(report)},
      {"messages-per-election.svg", messages_chart_svg(report)},
  };
  for (const auto& [name, svg] : charts) {
    const std::string path = (std::filesystem::path(dir) / name).string();
    std::ofstream out(path);
    out << svg;
    if (!out) throw std::runtime_error("cannot write '" + path + "'");
    written.push_back(path);
  }
  return written;
}

}  // namespace baton::sim

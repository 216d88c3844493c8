{# The Homebrew formula `gocross release` writes to dist/homebrew/NAME.rb and pushes to the tap
   (src/channels/homebrew.rs decides every value; every string goes through `rb`, a Ruby
   double-quoted literal). Formula DSL: https://docs.brew.sh/Formula-Cookbook #}
# typed: false
# frozen_string_literal: true

# {{ name }} {{ version }}, written by gocross release from the release's own assets.
class {{ class }} < Formula
{% if description %}
  desc {{ description | rb }}
{% endif %}
  homepage {{ homepage | rb }}
  version {{ version | rb }}
{% if license %}
  license {{ license | rb }}
{% endif %}
{% for os in platforms %}

  on_{{ os.name }} do
{% for cpu in os.cpus %}
    on_{{ cpu.name }} do
      url {{ cpu.url | rb }}
      sha256 {{ cpu.sha256 | rb }}
    end
{% endfor %}
  end
{% endfor %}

  def install
{% for b in binaries %}
{% if b.glob %}
    bin.install Dir[{{ b.glob | rb }}].first => {{ b.name | rb }}
{% else %}
    bin.install {{ b.name | rb }}
{% endif %}
{% endfor %}
  end

  test do
    system bin/{{ binaries[0].name | rb }}, "--version"
  end
end

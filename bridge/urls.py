"""The bridge's pages, mounted at /samenwerking/: matching and requests (bridge.match_urls),
the brokering board, the organisation inbox and collaborations (bridge.board_urls)."""

from bridge import board_urls, match_urls

app_name = "bridge"

urlpatterns = [*match_urls.urlpatterns, *board_urls.urlpatterns]

"""What many browser tests do: sign in through the login form, collect a page's errors, wait
until a page is whole."""

DEMO_PASSWORD = "fiveclear-demo"


def fill_login(page, username, password=DEMO_PASSWORD):
    """Type `username` and `password` into the login form on `page` and send it."""
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def sign_in(page, base_url, username, password=DEMO_PASSWORD):
    """`page` signed in as `username` through the login form, on the home page."""
    page.goto(f"{base_url}/login/")
    fill_login(page, username, password)
    page.wait_for_url(f"{base_url}/")
    return page


def collect_errors(page, errors):
    """Append `page`'s console errors and uncaught page errors to `errors`."""
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def wait_until_whole(page):
    """Wait until `page` has loaded and the one part htmx fetches after it (the banner of work
    due, base.html) is in place: nothing on it moves, swaps or takes the focus after this."""
    page.wait_for_load_state("load")
    page.wait_for_function(
        "() => !document.querySelector('[data-hx-trigger=\"load\"], .htmx-request')"
    )

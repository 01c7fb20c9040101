from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from anjian.accounts import permissions as perms
from anjian.accounts import selectors, services
from anjian.accounts.forms import OwnPasswordForm, PasswordResetForm, TokenForm, UserForm
from anjian.accounts.models import ApiToken, User
from anjian.accounts.passwords import password_expired, password_expires_at
from anjian.core.access import PUBLIC, requires
from anjian.core.forms import submit
from anjian.core.models import SiteFlag


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("用户名或密码错误。连续多次错误后账号将被暂时锁定。"),
        "inactive": _("该账号已停用，请联系系统管理员。"),
    }


class LoginView(auth_views.LoginView):
    access = PUBLIC
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if SiteFlag.objects.filter(key=SiteFlag.DEMO_DATA).exists():
            context["demo_accounts"] = User.objects.filter(is_demo=True, is_active=True).order_by(
                "pk"
            )
        return context


class LogoutView(auth_views.LogoutView):
    access = PUBLIC


def lockout(request, credentials=None, *args, **kwargs):
    """django-axes calls this when a username+address pair is locked out."""
    return render(request, "accounts/lockout.html", status=429)


lockout.access = PUBLIC


def _change_own_password(request, form) -> None:
    """Run a valid OwnPasswordForm through the service; say what happened to the tokens."""
    keep = form.cleaned_data["keep_tokens"]
    revoked = services.password_change(
        user=request.user, password=form.cleaned_data["new_password1"], keep_tokens=keep
    )
    update_session_auth_hash(request, request.user)
    if revoked:
        message = _("密码已修改。已吊销您的 %(n)d 个 API 令牌，使用它们的系统需换用新令牌。") % {
            "n": revoked
        }
    elif keep and (kept := selectors.active_tokens(request.user).count()):
        message = _("密码已修改。按您的选择，%(n)d 个 API 令牌继续有效。") % {"n": kept}
    else:
        message = _("密码已修改。")
    messages.success(request, message)


def _password_context(user) -> dict:
    return {
        "password_changed_at": user.password_changed_at,
        "password_expires_at": password_expires_at(user),
    }


@require_http_methods(["GET", "POST"])
@requires(perms.PROFILE)
def profile(request):
    password_form = OwnPasswordForm(request.user, request.POST or None, prefix="pw")
    token_form = TokenForm(prefix="token")
    if request.method == "POST" and password_form.is_valid():
        _change_own_password(request, password_form)
        return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {
            "password_form": password_form,
            "token_form": token_form,
            "tokens": request.user.api_tokens.all(),
            "new_token": request.session.pop("new_api_token", None),
            **_password_context(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@requires(perms.PROFILE)
def password_change(request):
    """The page an expired password leads to (PasswordExpiryMiddleware), and back to
    ``next`` once changed; also reachable on its own."""
    form = OwnPasswordForm(request.user, request.POST or None, prefix="pw")
    next_url = request.POST.get("next") or request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    if request.method == "POST" and form.is_valid():
        _change_own_password(request, form)
        return redirect(next_url or "web:home")
    return render(
        request,
        "accounts/password_change.html",
        {
            "password_form": form,
            "next": next_url,
            "expired": password_expired(request.user),
            "reset": request.user.password_must_change,
            "max_age_days": settings.PASSWORD_MAX_AGE_DAYS,
            **_password_context(request.user),
        },
    )


@require_POST
@requires(perms.PROFILE)
def token_create(request):
    form = TokenForm(request.POST, prefix="token")
    if form.is_valid():
        _token, raw = ApiToken.issue(
            user=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
        )
        # Shown once on the next page, then gone: only its digest is stored.
        request.session["new_api_token"] = raw
        messages.success(request, _("已创建 API 令牌，请立即复制保存，离开页面后将无法再次查看。"))
    else:
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
    return redirect("accounts:profile")


@require_POST
@requires(perms.PROFILE)
def token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.token_revoke(token=token)
    messages.success(request, _("已吊销令牌“%(name)s”") % {"name": token.name})
    return redirect("accounts:profile")


@require_http_methods(["GET"])
@requires(perms.USER_MANAGE)
def user_list(request):
    users = selectors.users_for(request.user, request.GET.get("q", ""))
    return render(
        request,
        "accounts/user_list.html",
        {"users": users, "q": request.GET.get("q", ""), "locked": selectors.locked_usernames()},
    )


@require_http_methods(["GET", "POST"])
@requires(perms.USER_MANAGE)
def user_create(request):
    form = UserForm(request.POST or None, by=request.user)
    if request.method == "POST" and form.is_valid():
        user = services.user_create(by=request.user, form=form)
        messages.success(request, _("已创建用户 %(u)s") % {"u": user.username})
        return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "target": None})


@require_http_methods(["GET", "POST"])
@requires(perms.USER_MANAGE)
def user_edit(request, pk: int):
    target = get_object_or_404(selectors.users_for(request.user, ""), pk=pk)
    form = UserForm(request.POST or None, instance=target, by=request.user)
    if request.method == "POST" and form.is_valid():
        services.user_update(by=request.user, form=form)
        if form.cleaned_data.get("password1"):
            messages.success(
                request,
                _("已保存用户 %(u)s；已设置新密码，其 API 令牌已全部吊销") % {"u": target.username},
            )
        else:
            messages.success(request, _("已保存用户 %(u)s") % {"u": target.username})
        return redirect("accounts:user_list")
    return render(
        request,
        "accounts/user_form.html",
        {"form": form, "target": target, "lockouts": selectors.login_lockouts(target)},
    )


@require_POST
@requires(perms.USER_MANAGE)
def user_unlock(request, pk: int):
    """解除锁定: lift the login lock-outs of an account the administrator manages."""
    target = get_object_or_404(selectors.users_for(request.user, ""), pk=pk)
    addresses = services.user_unlock(by=request.user, user=target)
    if addresses:
        messages.success(
            request,
            _("已解除 %(u)s 的登录锁定（%(a)s）")
            % {"u": target.username, "a": "、".join(addresses)},
        )
    else:
        messages.info(request, _("%(u)s 当前未被锁定") % {"u": target.username})
    return redirect("accounts:user_edit", pk=target.pk)


# Where the generated temporary password waits for the one page that shows it.
RESET_PASSWORD_KEY = "reset_password"


@require_http_methods(["GET", "POST"])
@requires(perms.USER_MANAGE)
@never_cache  # the page may show a password
def user_password_reset(request, pk: int):
    """重置密码 of an account the administrator manages (404 outside their scope). A
    generated password is shown once, on the page the reset redirects to."""
    target = get_object_or_404(selectors.users_for(request.user), pk=pk)
    form = PasswordResetForm(request.POST or None)
    outcome = submit(
        request,
        form,
        lambda data: services.user_password_reset(
            by=request.user, user_id=target.pk, password=data["password1"]
        ),
    )
    if outcome.done:
        reset = outcome.result
        if reset.generated:
            request.session[RESET_PASSWORD_KEY] = {"user": target.pk, "password": reset.password}
        messages.success(
            request,
            _("已重置 %(u)s 的密码；该用户下次登录时须设置新密码，其 API 令牌已全部吊销。")
            % {"u": target.username},
        )
        return redirect("accounts:user_password_reset", pk=target.pk)
    shown = request.session.get(RESET_PASSWORD_KEY)
    new_password = ""
    if request.method == "GET" and shown and shown["user"] == target.pk:
        new_password = request.session.pop(RESET_PASSWORD_KEY)["password"]
    return render(
        request,
        "accounts/user_password_reset.html",
        {
            "form": form,
            "target": target,
            "new_password": new_password,
        },
        status=outcome.status,
    )
